// loops.csv (run.loops_csv): one row per scheduler loop (airflow2) or DAG-file processor pass
// (airflow1) with what it spent its time on — its statements by catalog type, as Airflow's
// query-count tests count them, their DB time, the runs it examined and the task instances it
// scheduled and queued. Rows go to a file as the run goes, so a long run holds none in memory.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "model/Ids.h"
#include "model/MetadataDb.h"
#include "model/QueryCatalog.h"
#include "scenario/Scenario.h"
#include "util/RowFile.h"

namespace schedlab {

struct LoopRecord {
  SchedulerId scheduler;
  double start = 0, duration = 0;  // simulation seconds
  long long statements = 0;        // SQL statements the loop sent
  double dbSeconds = 0;            // DB time they took: CPU on a core plus reads from disk
  int runsExamined = 0, tisScheduled = 0, tisQueued = 0;
  std::array<long long, kQueryTypeCount> byType{};

  // Counts a batch the loop sent.
  void add(const QueryBatch& batch);
};

// The columns after the fixed ones: "statements.<type>" for every catalog type, in catalog order.
std::vector<std::string> loopTypeColumns();

class LoopStream {
 public:
  // Throws std::runtime_error when `path` cannot be created.
  LoopStream(const Scenario& scenario, std::string path);

  // Appends the loop's row (the variant's name first).
  void add(const LoopRecord& r);
  // Flushes and closes the file; returns its path. Throws std::runtime_error when a write failed.
  std::string close() { return file_.close(); }

 private:
  const Scenario& scenario_;
  RowFile file_;
};

}  // namespace schedlab
