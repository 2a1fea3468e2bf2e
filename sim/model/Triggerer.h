// The triggerer (Airflow >= 2.2, `airflow triggerer`) and the deferred tries it holds. A try that
// defers leaves its worker and its pool slot (TI -> deferred, a trigger row); a triggerer
// instance takes unassigned triggers up to `[triggerer] capacity` in its loop
// (jobs/triggerer_job_runner.py: load_triggers, up to 1 s for the trigger runner's news,
// handle_events, clean_unused, a heartbeat), runs them, and when one fires sets its task instance
// back to scheduled (Trigger.submit_event) so a worker resumes it. A deferred try whose
// trigger_timeout passes is failed through the scheduler's check_trigger_timeouts (every
// `[scheduler] trigger_timeout_check_interval`): set scheduled to fail on the worker. A
// triggerer_crash stops an instance until its restart; its triggers go to whichever triggerer
// loads next once its job's heartbeat is older than triggerer_health_check_threshold (another
// instance, or itself restarted), and fire from that load.
// Owns its metrics: deferred tries, how full the triggerers are, event-to-resumption delay.
#pragma once

#include <deque>
#include <optional>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "model/SimContext.h"
#include "results/RunResult.h"
#include "results/SampleSeries.h"

namespace schedlab {

class Triggerer {
 public:
  // What a trigger waits for.
  struct Trigger {
    enum class Kind {
      Time,    // a moment (TimeDeltaTrigger, DateTimeTrigger): fires at `at`, or when loaded after it
      Poll,    // a deferrable sensor's own event at `at`, seen at its first poll from its load on
      Stream,  // a deferrable sensor polling for an arrival of trigger stream `stream`
    };
    Kind kind = Kind::Time;
    double at = 0;
    double pollInterval = 60;
    int stream = -1;
    double timeout = -1;  // the task instance's trigger_timeout (absolute); < 0: none
  };
  // How a deferred try comes back to a worker.
  struct Resumption {
    bool timedOut;  // next_method __fail__: the trigger did not fire before trigger_timeout
    int tryNumber;  // the try that resumes (a later one, after a failed start, starts afresh)
  };

  explicit Triggerer(SimContext& ctx);
  // Spawns its instances' loops.
  // REQUIRES: called once, before the runtime runs.
  void start();

  // Task instance `ti` was just set deferred (its deferral written) with `trigger`.
  void deferred(TiId ti, const Trigger& trigger);
  // The scheduler's check_trigger_timeouts at `now`: deferred tries past their trigger_timeout are
  // set scheduled to fail. Returns how many.
  int checkTimeouts(double now);
  // A try of `ti` starts its work on a worker: how it was resumed, or nullopt when it was not
  // deferred (or its resumed try failed before its work and this is a retry: handle_failure
  // clears next_method). Records its trigger delay (event to resumption).
  std::optional<Resumption> resume(TiId ti, double now);

  // Triggers a triggerer_crash (fault `fault`) took from their triggerer.
  long long triggersOrphanedBy(int fault) const;

  // REQUIRES: markWarmup once when the warm-up ends; contribute once, at the end.
  void markWarmup();
  void contribute(double end, RunResult& out) const;

 private:
  struct Waiting {  // a deferred task instance, by its trigger
    Trigger trigger;
    long long seq = 0;  // this deferral (a task instance may defer again on a later try)
    double deferredAt = 0;
    int instance = -1;     // the triggerer running it; -1: not loaded yet
    double firesAt = -1;   // once loaded (time and poll triggers)
    double eventAt = -1;   // when what it waited for happened
    bool waiting = false;  // a stream trigger's actor waits in the hub for it
  };
  struct Instance {
    int assigned = 0;
    double since = 0, occupiedSeconds = 0;  // trigger-seconds held after the warm-up, up to `since`
    bool alive = true;
    long long generation = 0;  // its process: one more per crash
    double lastBeat = -1e300, downUntil = 0;
    std::vector<std::pair<double, int>> crashes;  // (time, fault index), in time order
  };
  using Due = std::tuple<double, long long, TiId>;  // (time, deferral, task instance)
  using EarliestFirst = std::priority_queue<Due, std::vector<Due>, std::greater<>>;
  // One triggerer's loop: TriggererJobRunner.run.
  void loop(int instance);
  // assign_unassigned: up to capacity, the earliest deferral first; returns how many it took.
  int load(int instance, double now);
  // Adds the trigger-seconds held since the last change.
  void account(Instance& in, double now);
  // Fault `fault` kills instance `instance` now until `until`: its triggers are orphans.
  void crash(int instance, int fault, double until);
  // A stream trigger loaded now by `instance`: an actor waits for its arrival.
  void spawnStreamWait(TiId ti, const Waiting& w, int instance, double now);

  SimContext& ctx_;
  std::unordered_map<TiId, Waiting> waiting_;
  std::deque<std::pair<long long, TiId>> unassigned_;  // in deferral order (created_date)
  std::deque<Due> orphans_;  // (when another may take it, deferral, task instance): dead triggerers'
  std::vector<std::vector<std::pair<long long, TiId>>> fired_;  // per instance: stream events its runner has
  std::vector<EarliestFirst> due_;                              // per instance: time and poll triggers
  EarliestFirst timeouts_;                                      // check_trigger_timeouts' order
  std::unordered_map<TiId, Resumption> resumable_;              // set scheduled, not yet back on a worker
  std::unordered_map<TiId, double> eventAt_;                    // of those fired: when their event happened
  std::vector<Instance> instances_;
  long long seq_ = 0;
  std::vector<long long> orphanedBy_;  // per fault
  double warmup_;                      // occupancy, delays: after it
  long long deferredTries_ = 0, deferredAtWarmup_ = 0, timedOut_ = 0;
  SampleSeries delays_;
};

}  // namespace schedlab
