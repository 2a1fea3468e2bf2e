// When a run fell due, where the source has no data interval (1.10, 2.0 and 2.1, a REST dump
// without data_interval_end).
#pragma once

#include "importer/Deployment.h"

namespace schedlab {

// For each run without a due time: a scheduled run's next schedule point after its logical date
// (an interval's end, or the cron's next point, read in UTC); a triggered (or @once) run's own date.
void fillDueTimes(ObservedDag& dag);

}  // namespace schedlab
