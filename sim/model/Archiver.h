// Periodic cleanup of the metadata DB, as the community db-cleanup DAG and `airflow db clean` do
// it: every `archiving.interval` it DELETEs the rows of runs older than the retention, table by
// table, on every metadata DB. The DELETEs cost DB time like any query, and losing a DAG's last
// scheduled run makes the scheduler start that DAG over (WorkflowState::archive).
#pragma once

#include <array>
#include <vector>

#include "model/SimContext.h"
#include "results/RunResult.h"

namespace schedlab {

class Archiver {
 public:
  Archiver(SimContext& ctx, std::vector<MetadataDb*> dbs);
  void start();

  // archiving_runs and archiving_rows_deleted, when archiving is on.
  void contribute(RunResult& out) const;

 private:
  void loop();
  void cleanOnce(MetadataDb& db, bool first);

  SimContext& ctx_;
  std::vector<MetadataDb*> dbs_;                                  // each distinct DB once
  std::array<bool, static_cast<size_t>(Table::Count)> tables_{};  // archiving.tables
  long long runs_ = 0;
  double rowsDeleted_ = 0;
};

}  // namespace schedlab
