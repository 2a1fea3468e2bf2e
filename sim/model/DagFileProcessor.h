// Airflow 1.10's DAG-file processing, where scheduling decisions happen: parsing_processes
// processors take the DAG files in turn; for each file they parse it, create due runs and, per
// running run, evaluate dependencies and set ready task instances to SCHEDULED. A pass over all
// files is timed as dag_processing.total_parse_time, and is the scheduler "loop" of this model.
#pragma once

#include <deque>
#include <vector>

#include "model/SimContext.h"

namespace schedlab {

class DagFileProcessorManager {
 public:
  DagFileProcessorManager(SimContext& ctx, int instance);
  void start();

 private:
  void managerLoop();
  void processorLoop();
  void processFile(int dag);
  void processIdleFiles(const std::vector<int>& files);
  bool idle(int dag, double until) const;
  static constexpr size_t kIdleChunk = 16;

  SimContext& ctx_;
  int instance_;
  std::vector<int> files_;  // DAG instances this scheduler parses
  std::deque<int> queue_;
  std::vector<double> lastProcessed_;
  SemaphorePtr work_, done_;
};

}  // namespace schedlab
