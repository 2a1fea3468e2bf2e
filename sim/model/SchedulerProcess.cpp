#include "model/SchedulerProcess.h"

namespace schedlab {

SchedulerProcess::SchedulerProcess(SchedulerJobs& jobs, SchedulerId scheduler, MetadataDb& db)
    : jobs_(jobs), scheduler_(scheduler), db_(db) {}

bool SchedulerProcess::begin() {
  const JobId current = jobs_.checkpoint(scheduler_);
  if (current == job_) return false;
  job_ = current;
  return true;
}

bool SchedulerProcess::current() const { return jobs_.alive(scheduler_) && jobs_.job(scheduler_) == job_; }

bool SchedulerProcess::reachDb() { return jobs_.reachDb(scheduler_, db_); }

}  // namespace schedlab
