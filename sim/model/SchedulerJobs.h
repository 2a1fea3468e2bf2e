// The scheduler processes and their SchedulerJob rows. Each scheduler (instance * replicas +
// replica) is run by one process at a time, as one job: a row whose latest_heartbeat the loop
// updates every scheduler_heartbeat_sec. A crash kills the process; its job stops heartbeating
// and is dead for the others once the heartbeat is older than scheduler_health_check_threshold.
// A new process (a restart, or a hot standby taking over) is a new job.
//
// Orphans: the queued and running task instances of a dead job. Airflow 2's
// adopt_or_reset_orphaned_tasks (at a scheduler's start and every orphaned_tasks_check_interval)
// adopts those already sent to the broker (the Celery executor follows their task id) and resets
// the others to NONE; Airflow 1.10's reset_state_for_orphaned_tasks, at start, resets every
// scheduled and queued task instance (its new executor knows none of them).
//
// Also here: the failover controller of a hot standby, and the heartbeat alert rule.
#pragma once

#include <vector>

#include "model/MetadataDb.h"
#include "model/SimContext.h"
#include "results/RunResult.h"

namespace schedlab {

class SchedulerJobs {
 public:
  explicit SchedulerJobs(SimContext& ctx);
  // Spawns the scheduler crashes, the standby controllers and the alert rules.
  void start();

  bool alive(SchedulerId scheduler) const { return slots_[scheduler].alive; }
  JobId job(SchedulerId scheduler) const { return slots_[scheduler].job; }
  // UPDATE job SET latest_heartbeat = now for the scheduler's job (the caller sends the query).
  void heartbeat(SchedulerId scheduler);

  // adopt_or_reset_orphaned_tasks by `scheduler` (2.x): adds its query to `batch` and, once the
  // query has run (call apply after executing the batch), takes the orphans over.
  struct Sweep {
    std::vector<TiId> adopt, reset;
    std::vector<JobId> deadJobs;  // the dead jobs whose orphans these are, swept for good once applied
  };
  Sweep findOrphans(SchedulerId scheduler, QueryBatch& batch);
  // reset_state_for_orphaned_tasks (1.10): every scheduled and queued TI of the instance.
  Sweep findResettable(InstanceId instance, QueryBatch& batch);
  void apply(const Sweep& sweep, SchedulerId scheduler);

  // What happened, for the results.
  struct Crash {
    int fault;  // index in scenario.faults
    SchedulerId scheduler;
    double at;
    double backAt = -1;                // a process ran the scheduler again (restart or takeover); -1: never
    double alertAt = -1;               // the instance's heartbeat alert fired after the crash; -1: never
    long long adopted = 0, reset = 0;  // its job's orphans
    double sweptAt = -1;               // its job's orphans were taken over (adopted or reset); -1: never
  };
  const IdTable<CrashId, Crash>& crashes() const { return crashes_; }
  // Seconds in [from, to) an instance had no live scheduler (every one of them summed).
  double unavailableSeconds(double from, double to) const;
  // Seconds, up to `end`, of the outages (no live scheduler on an instance) a fault's crashes began.
  double unavailableSecondsOf(int fault, double end) const;
  struct Alert {
    InstanceId instance;
    double firedAt, resolvedAt;  // resolvedAt -1: still firing at the end
  };
  const std::vector<Alert>& alerts() const { return alerts_; }
  long long adopted() const { return adopted_; }
  long long reset() const { return reset_; }
  long long takeovers() const { return takeovers_; }
  long long restarts() const { return restarts_; }
  long long exitsOnDbErrors() const { return dbExits_; }
  // The scheduler processes' metrics (unavailability, alerts, restarts, orphans, host-hours) and
  // the scheduler hosts' price, up to `end`.
  void contribute(double end, RunResult& out) const;

 private:
  // The loops see their process through SchedulerProcess, which alone uses these two.
  friend class SchedulerProcess;
  // While the scheduler's process lives, returns the process's job at once; once the process died
  // it blocks until a process runs the scheduler again and returns that one's job.
  JobId checkpoint(SchedulerId scheduler);
  // Before each transaction: while a failover refuses connections, Airflow's run_with_db_retries
  // makes max_db_retries (3) attempts with wait_random_exponential(0.5 s, max 5 s) between; when
  // the last fails too the OperationalError ends the scheduler process (restarted as the
  // failover says). False then.
  bool reachDb(SchedulerId scheduler, const MetadataDb& db);

  struct Slot {
    bool alive = true;
    JobId job;
    int standbys = 0;  // idle processes ready to take over (hot standby)
    int parked = 0;    // loops waiting for a process
    SemaphorePtr wake;
  };
  struct Job {
    SchedulerId scheduler;
    double latestHeartbeat;
    CrashId crash = {};  // the crash that killed it, if one did
    bool swept = false;  // dead and its orphans all taken over
  };
  InstanceId instanceOf(SchedulerId scheduler) const;
  double unavailableSeconds(InstanceId instance, double from, double to) const;
  JobId newJob(SchedulerId scheduler);
  // `crash`: the crash that kills it (none: a standby's controller stopped it).
  void kill(SchedulerId scheduler, CrashId crash);
  void startProcess(SchedulerId scheduler);
  bool dead(const Job& job, double now) const;
  void crashLoop(const Fault& fault, int faultIndex);
  // The scheduler's process dies by fault `fault`: a crash recorded, its restart arranged as the
  // fault says (restart_after; restart_after_alert is the alert rule's).
  void die(SchedulerId scheduler, int fault);
  // A process dead by `crash` comes back `delay` later (a standby in its place if one took over).
  void restartAfter(CrashId crash, double delay);
  void restart(CrashId crash);
  void standbyLoop(SchedulerId scheduler);
  void alertLoop(InstanceId instance);
  double newestHeartbeat(InstanceId instance) const;

  SimContext& ctx_;
  IdTable<SchedulerId, Slot> slots_;
  IdTable<JobId, Job> jobs_;
  IdTable<CrashId, Crash> crashes_;
  std::vector<Alert> alerts_;
  // Per instance: live schedulers, and the intervals it had none ([from, to), to -1: open).
  IdTable<InstanceId, int> live_;
  struct Down {
    double from, to;  // to -1: open
    CrashId crash;    // the crash that left the instance without a scheduler (none: a standby's controller)
  };
  IdTable<InstanceId, std::vector<Down>> down_;
  long long adopted_ = 0, reset_ = 0, takeovers_ = 0, restarts_ = 0, dbExits_ = 0;
  uint64_t retryDraws_ = 0;
};

}  // namespace schedlab
