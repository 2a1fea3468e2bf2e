// The metadata DBs' part of a run's results: statements (total and by type), CPU utilisation and
// buffer-cache hit ratio after the warm-up, rows per table and size, per instance as well; their
// columns of the time series; their core-hours and price.
#pragma once

#include <vector>

#include "model/MetadataDb.h"
#include "results/RunResult.h"
#include "scenario/Scenario.h"

namespace schedlab {

class DbMetrics {
 public:
  // `used`: the DBs some scheduler instance uses (a shared DB nobody uses is left out).
  explicit DbMetrics(std::vector<MetadataDb*> used);

  // REQUIRES: called once, when the warm-up ends.
  void markWarmup();
  // Fills the DB columns of the row of the interval `interval` seconds long that ends now.
  void sample(double interval, TimeSeriesRow& row);
  // REQUIRES: `instanceDb` holds, per scheduler instance, one of the used DBs.
  void contribute(const Scenario& sc, const std::vector<MetadataDb*>& instanceDb, double end, RunResult& out) const;

 private:
  struct Totals {
    double busySeconds = 0, pagesTouched = 0, pagesFromDisk = 0;
    DbWork work;
  };
  static Totals totalsOf(const MetadataDb& db);
  // Sum of `figure` over the used DBs.
  template <class F>
  double total(F figure) const {
    double sum = 0;
    for (const MetadataDb* d : used_) sum += figure(*d);
    return sum;
  }
  // The DB figures of `dbs` (indices into used_) into `scope`, over `window` seconds.
  // airflow3: the 3.x-only tables (task_instance_history) are listed too.
  void scopeMetrics(nlohmann::json& scope, const std::vector<size_t>& dbs, double window, bool airflow3,
                    bool assets) const;

  std::vector<MetadataDb*> used_;
  std::vector<Totals> atWarmup_;
  double cores_ = 0;
  Totals last_;  // at the previous sample
};

}  // namespace schedlab
