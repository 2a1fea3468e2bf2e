// The process running one scheduler, as that scheduler's loops see it: the one mechanism for "this
// process may have died, or the DB refused" around a transaction.
//
// A loop pass starts with begin(), which blocks while no process runs the scheduler. Each
// transaction then runs through transaction(): first the DB must be reachable (Airflow's
// run_with_db_retries; when it is not, the process exits), then the body builds and executes its
// batch, then the process that began the pass must still be the one running. transaction() returns
// false otherwise, and the loop goes back to begin(), where a new process starts afresh.
#pragma once

#include "model/MetadataDb.h"
#include "model/SchedulerJobs.h"

namespace schedlab {

class SchedulerProcess {
 public:
  // What a transaction's caller does when the process dies while it runs.
  enum class OnDeath {
    EndPass,  // transaction() returns false: the pass ends here
    NextPass  // the pass goes on (its last steps: recording, sleeping); the next begin() notices
  };

  SchedulerProcess(SchedulerJobs& jobs, SchedulerId scheduler, MetadataDb& db);

  // Blocks until a process runs the scheduler. True when that is another process than at the last
  // call (the first call included): the loop resets what died with the old one.
  bool begin();
  // The job of the process that began the pass.
  JobId job() const { return job_; }

  // REQUIRES: begin() called. Runs `body` as one transaction of this process. False when the DB
  // refused it (the process exited; `body` did not run) or, with OnDeath::EndPass, when the process
  // that began the pass died while it ran.
  // A template so that the loops' bodies are called directly: a std::function per transaction
  // allocated its captures on every pass of the scheduler loop.
  template <typename Body>
  bool transaction(Body&& body, OnDeath onDeath = OnDeath::EndPass) {
    if (!reachDb()) return false;
    body();
    return onDeath == OnDeath::NextPass || current();
  }

 private:
  bool reachDb();
  bool current() const;

  SchedulerJobs& jobs_;
  const SchedulerId scheduler_;
  MetadataDb& db_;
  JobId job_;
};

}  // namespace schedlab
