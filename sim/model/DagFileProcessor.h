// Airflow 1.10's DAG-file processing, where scheduling decisions happen: parsing_processes
// processors take the DAG files in turn; for each file they parse it, create due runs and, per
// running run, evaluate dependencies and set ready task instances to SCHEDULED. A pass over all
// files is timed as dag_processing.total_parse_time, and is the scheduler "loop" of this model.
#pragma once

#include <deque>
#include <vector>

#include "model/Ids.h"
#include "model/LoopTrace.h"
#include "model/SimContext.h"

namespace schedlab {

class DagFileProcessorManager {
 public:
  DagFileProcessorManager(SimContext& ctx, InstanceId instance);
  void start();

 private:
  void managerLoop();
  void processorLoop();
  void processFile(DagId dag);
  void processIdleFiles(const std::vector<DagId>& files);
  bool idle(DagId dag, double until) const;
  static constexpr size_t kIdleChunk = 16;

  SimContext& ctx_;
  const InstanceId instance_;
  const SchedulerId scheduler_;  // 1.10: the instance's one scheduler, whose children these are
  std::vector<DagId> files_;     // the DAGs this scheduler parses
  std::deque<DagId> queue_;
  IdTable<DagId, double> lastProcessed_;
  SemaphorePtr work_, done_;
  LoopRecord pass_;  // this pass's row of loops.csv (with run.loops_csv)
};

}  // namespace schedlab
