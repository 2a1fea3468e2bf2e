// What a try does once an executor has put it on a host, whatever the executor: `airflow tasks
// run`'s start-up statements (LocalTaskJob), the operator's work (a task's I/O wait and CPU, a
// sensor's pokes, a trigger_dagrun hand-off), its end written to the metadata DB and the 2.x mini
// scheduler; under airflow3 the same through its supervisor, each write an Execution API call and
// heartbeats every `[workers] min_heartbeat_interval` meanwhile. What differs between executors (how the try reached
// its host, how it is killed, how the scheduler hears of its end) comes in through TrySlot.
#pragma once

#include <optional>
#include <unordered_map>

#include "model/ApiServer.h"
#include "model/SimContext.h"
#include "model/Triggerer.h"
#include "util/Random.h"

namespace schedlab {

// The executor's side of one running try.
class TrySlot {
 public:
  virtual ~TrySlot() = default;
  // The runtime host the try runs on.
  virtual int host() const = 0;
  // Sleeps `seconds`; false when the try was killed first.
  virtual bool pause(double seconds) = 0;
  // Computes `coreSeconds` on the host's cores; false when the try was killed first.
  virtual bool compute(double coreSeconds) = 0;
  // The same in steps (airflow3's supervisor heartbeats meanwhile): starts the work, killed with
  // the try, then waits for it until `deadline`, as often as needed.
  virtual WorkPtr startCompute(double coreSeconds) = 0;
  virtual Runtime::WaitResult waitCompute(const WorkPtr& work, double deadline) = 0;
  virtual bool killed() const = 0;
  // The try now runs in the metadata DB (its start was written).
  virtual void started() = 0;
  // Its end is being written: from here it completes, killed or not.
  virtual void finishing() = 0;
  // Scheduler `scheduler` has one more executor event to process (the try ended).
  virtual void ended(SchedulerId scheduler) = 0;
  // Its end could not be written (the DB or the API server refused): the executor arranges
  // zombie detection, from the try's last heartbeat at `lastBeat`.
  // REQUIRES: the task instance is still running try `tryNumber`.
  virtual void endLost(TiId ti, int tryNumber, double lastBeat) = 0;
};

// What an executor keeps of a running try it may kill (its host or node going with it): kill()
// wakes its waits and cancels its CPU work; a killable TrySlot waits and computes through it.
struct KillableTry {
  bool killed = false;
  bool started = false;    // the try runs in the metadata DB (its start was written)
  bool finishing = false;  // its end is being written: it completes
  SemaphorePtr stop;       // released when killed
  WorkPtr work;            // its CPU work under way

  // Sleeps `seconds`; false when it was killed first.
  bool pause(double seconds);
  // Computes `coreSeconds` on `host`; false when it was killed first.
  bool compute(Runtime& rt, int host, double coreSeconds);
  WorkPtr startCompute(Runtime& rt, int host, double coreSeconds);
  Runtime::WaitResult waitCompute(Runtime& rt, const WorkPtr& work, double deadline);
  // Its waits wake (false) and its work is cancelled. REQUIRES: `killed` already set.
  void interrupt();
};

class TaskRunner {
 public:
  enum class Outcome {
    Ended,          // its end was written (success or failure), or a reschedule-mode poke was
    Killed,         // its host died under it; the executor recovers it
    Stale,          // the task instance was no longer queued: the message is spent, nothing ran
    FailedToStart,  // the DB refused `airflow tasks run` (airflow3: its start call failed): failed (retried)
    EndLost,        // its end could not be written: a zombie later
    Terminated,     // airflow3: its supervisor stopped it (the API server said it no longer runs this
                    // try, or its heartbeats failed and its end could be written)
  };

  explicit TaskRunner(SimContext& ctx);

  // Runs one try of task instance `ti` in `slot`.
  // REQUIRES: the executor's start-up overhead (fork, interpreter) has passed.
  Outcome run(TiId ti, TrySlot& slot);

  // Messages of a task instance no longer queued (reset orphans): refused, not run.
  long long staleMessages() const { return staleMessages_; }
  // A failover refusing connections: tries that could not start, tries whose end was lost.
  long long failedOnDbErrors() const { return failedOnDbErrors_; }
  long long endsLostOnDbErrors() const { return endsLostOnDbErrors_; }
  // Times a task instance started executing while another execution of it was under way (0).
  long long runTwiceAtOnce() const { return runTwice_; }

 private:
  class Supervisor;
  // One execution of a task instance under way, for the invariant every run is checked for: one
  // at a time, whatever schedulers, crashes, adoptions and redeliveries did (`twice` counts
  // breaches).
  class Executing {
   public:
    Executing(std::unordered_map<TiId, int>& map, TiId ti, long long& twice);
    ~Executing();
    Executing(const Executing&) = delete;
    Executing& operator=(const Executing&) = delete;

   private:
    std::unordered_map<TiId, int>& map_;
    TiId ti_;
  };
  // A started try's work begins: its arrival's trigger_to_start, and its keyed draws (the same
  // task of the same run gets the same duration and outcome in every variant).
  Rng beginWork(TiId ti);
  // The queued task instance runs now (or again, after a kill); false when its message is stale.
  bool takeOver(TiId ti, TrySlot& slot);
  // Its start failed: the executor reports the try failed and the scheduler fails it (retried).
  // REQUIRES: the task instance is queued.
  Outcome failStart(TiId ti, TrySlot& slot);
  // airflow3: the try through its supervisor, every statement an Execution API call.
  Outcome runOnApi(TiId ti, TrySlot& slot);
  Outcome finishOnApi(TiId ti, Supervisor& sup, bool success);
  // The try's own statements: to the DB, or under airflow3 through the API server as `route`
  // (REQUIRES then: `slot` is the try's Supervisor). False when the call failed.
  bool send(TrySlot& slot, ApiRoute route, MetadataDb& db, const QueryBatch& sql);
  Outcome start(TiId ti, TrySlot& slot);
  // The task's variable_reads and connection_reads, as its work starts; false when one failed
  // (it raises in the task) or the try was killed meanwhile.
  bool readConfiguration(TiId ti, TrySlot& slot);
  // The operator's work; false when the try was killed. `success` may change (a sensor's timeout).
  // `rescheduled`: the try went back without ending (up_for_reschedule, or deferred).
  bool work(TiId ti, TrySlot& slot, Rng& rng, bool& success, bool& rescheduled);
  // `seconds` of the task's work: its I/O wait, then its share on the host's cores.
  bool taskWork(TiId ti, TrySlot& slot, double seconds);
  // A `defer:` task: its first part, then it defers (`deferred`); resumed, the rest.
  bool deferrableTaskWork(TiId ti, TrySlot& slot, Rng& rng, const std::optional<Triggerer::Resumption>& resumed,
                          bool& success, bool& deferred);
  // A deferrable sensor's first run: it defers at once. True (it went back).
  bool deferSensor(TiId ti, TrySlot& slot, Rng& rng);
  // Writes the deferral and hands the trigger to the triggerer; true (the try went back, or its
  // write was lost and a zombie will fail it).
  // REQUIRES: a triggerer runs (ctx.triggerer).
  bool defer(TiId ti, TrySlot& slot, const Triggerer::Trigger& trigger);
  bool sensorWork(TiId ti, TrySlot& slot, Rng& rng, bool& success);
  // A reschedule-mode poke: true when it found nothing and the try went back (up_for_reschedule).
  bool pokeOnce(TiId ti, TrySlot& slot, Rng& rng, bool& success);
  bool triggerDagRun(TiId ti, TrySlot& slot, Rng& rng, bool success);
  Outcome finish(TiId ti, TrySlot& slot, bool success);

  SimContext& ctx_;
  long long staleMessages_ = 0, failedOnDbErrors_ = 0, endsLostOnDbErrors_ = 0, runTwice_ = 0;
  std::unordered_map<TiId, int> executing_;  // task instance -> executions under way
};

}  // namespace schedlab
