// Airflow 3's standalone DAG processor (`airflow dag-processor`, dag_processing/manager.py): off the
// scheduler's loop, `parsing_processes` children parse the DAG files in turn, each file again once
// min_file_process_interval has passed since its last parse, and the manager writes each result
// straight to the metadata DB (not through the API server): the dag row, its run info, the
// serialized DAG's check (dag_processor_parse). A pass over its files is
// dag_processing.total_parse_time. Owns its metrics.
#pragma once

#include <deque>
#include <vector>

#include "model/Ids.h"
#include "model/SimContext.h"
#include "results/RunResult.h"
#include "results/SampleSeries.h"

namespace schedlab {

class DagProcessor {
 public:
  // Processor `index` of `count` for scheduler instance `instance`: it parses every count-th of
  // the instance's DAG files, from the index-th on.
  DagProcessor(SimContext& ctx, InstanceId instance, int index, int count);
  // REQUIRES: called once, before the runtime runs.
  void start();
  // Every processor's figures: dag_processing_total_parse_time_s (passes after the warm-up) and
  // dag_file_parses.
  static void contribute(const std::vector<const DagProcessor*>& processors, RunResult& out);

 private:
  void parseLoop();

  SimContext& ctx_;
  MetadataDb& db_;
  std::deque<DagId> queue_;  // the next file first
  SemaphorePtr waiting_;     // one per file in the queue
  IdTable<DagId, double> parsedAt_;
  size_t files_ = 0, parsedThisPass_ = 0;
  double passStart_ = 0;
  long long parses_ = 0;
  SampleSeries passes_;
};

}  // namespace schedlab
