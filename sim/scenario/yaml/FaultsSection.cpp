#include "scenario/yaml/Sections.h"

#include <algorithm>
#include <map>

namespace schedlab::yaml {

namespace {

// How a dead scheduler process comes back: restart_after (a supervisor) or restart_after_alert
// (a person paged by the heartbeat alert); `fallback` when neither is given (< 0: it does not).
void readRestart(const Context& ctx, Fields& f, const std::string& p, const Scenario& s, Fault& fault,
                 double fallback) {
  fault.restartAfter = fallback;
  if (f.has("restart_after") && f.has("restart_after_alert"))
    ctx.fail(f.raw("restart_after_alert"), p + ".restart_after_alert",
             "give either restart_after (a supervisor) or restart_after_alert (a person paged), not both");
  if (f.has("restart_after")) fault.restartAfter = f.duration("restart_after", 0);
  if (f.has("restart_after_alert")) {
    if (!s.monitoring.enabled)
      ctx.fail(f.raw("restart_after_alert"), p + ".restart_after_alert",
               "needs an alert to respond to: add a monitoring section (alert_poll_interval, alert_threshold)");
    fault.restartAfterAlert = f.duration("restart_after_alert", 0);
    fault.restartAfter = -1;
  }
}

// A scheduler_crash: {instance, replica (1-based, as task_instances.csv names them), restart_after
// | restart_after_alert}. Its window lasts until the process is back (or the end of the run).
void readSchedulerCrash(const Context& ctx, Fields& f, const std::string& p, const Scenario& s, Fault& fault) {
  const std::string inst = f.text("instance", s.instances.front().name);
  auto it = std::find_if(s.instances.begin(), s.instances.end(), [&](const InstanceDef& d) { return d.name == inst; });
  if (it == s.instances.end())
    ctx.fail(f.raw("instance"), p + ".instance", "unknown scheduler instance '" + inst + "'");
  fault.instance = static_cast<int>(it - s.instances.begin());
  fault.replica = f.integer("replica", 1, 1, s.scheduler.replicas) - 1;
  readRestart(ctx, f, p, s, fault, -1);
  if (f.has("duration"))
    ctx.fail(f.raw("duration"), p + ".duration", "a scheduler_crash lasts until its scheduler is back: no duration");
}

}  // namespace

// `faults:` — each {kind, at, ...}: worker_crash {pool, count}, db_failover {duration},
// broker_outage {duration}, scheduler_crash, api_server_outage {duration}, api_server_brownout
// {duration, capacity}.
void readFaultsSection(const Context& ctx, Fields& top, Scenario& s) {
  const YAML::Node list = top.raw("faults");
  using K = Fault::Kind;
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) ctx.fail(list, "faults", "expected a list of faults");
  std::map<std::string, int> seen;  // unnamed faults of a kind are numbered after those already read
  for (const Fault& f : s.faults) ++seen[faultKindName(f.kind)];
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = "faults[" + std::to_string(i) + "]";
    Fields f(ctx, list[i], p);
    Fault fault;
    if (!f.has("kind"))
      ctx.fail(list[i], p + ".kind",
               "a fault needs a kind (worker_crash, db_failover, broker_outage, scheduler_crash, "
               "api_server_outage, api_server_brownout, triggerer_crash)");
    fault.kind = f.choice<K>("kind", K::DbFailover,
                             {{"worker_crash", K::WorkerCrash},
                              {"db_failover", K::DbFailover},
                              {"broker_outage", K::BrokerOutage},
                              {"scheduler_crash", K::SchedulerCrash},
                              {"api_server_outage", K::ApiServerOutage},
                              {"api_server_brownout", K::ApiServerBrownout},
                              {"triggerer_crash", K::TriggererCrash}});
    const char* kind = faultKindName(fault.kind);
    fault.name = f.text("name", "");
    if (fault.name.empty()) {
      int n = ++seen[kind];
      fault.name = n == 1 ? kind : std::string(kind) + "_" + std::to_string(n);
    }
    // Each fault's metrics are reported under its name: two faults may not share one.
    if (std::any_of(s.faults.begin(), s.faults.end(), [&](const Fault& x) { return x.name == fault.name; }))
      ctx.fail(f.has("name") ? f.raw("name") : list[i], p + ".name",
               "duplicate fault name '" + fault.name + "' (each fault's metrics are reported under its name)");
    if (!f.has("at")) ctx.fail(list[i], p + ".at", "a fault needs a time (at: 3h)");
    fault.at = f.duration("at", 0);
    if (s.executor.kind == ExecutorKind::Mock && (fault.kind == K::WorkerCrash || fault.kind == K::BrokerOutage))
      ctx.fail(f.raw("kind"), p + ".kind",
               "executor mock has no workers and no broker: a " + std::string(kind) + " cannot happen");
    if (!s.executor.hasCelery() && s.executor.kind != ExecutorKind::Mock &&
        (fault.kind == K::WorkerCrash || fault.kind == K::BrokerOutage))
      ctx.fail(f.raw("kind"), p + ".kind",
               "executor kubernetes has no Celery workers and no broker: a " + std::string(kind) + " cannot happen");
    if (fault.hitsApiServer() && s.scheduler.model != SchedulerModel::Airflow3)
      ctx.fail(f.raw("kind"), p + ".kind",
               std::string("an API server exists only in the airflow3 model: no ") + kind + " can happen");
    if (fault.kind == K::WorkerCrash) {
      fault.pool = f.text("pool", s.executor.pools.front().name);
      auto pool = std::find_if(s.executor.pools.begin(), s.executor.pools.end(),
                               [&](const WorkerPoolConfig& w) { return w.name == fault.pool; });
      if (pool == s.executor.pools.end())
        ctx.fail(f.raw("pool"), p + ".pool", "unknown worker pool '" + fault.pool + "'");
      fault.count = f.integer("count", 1, 1, 10000);
      // Until zombie detection has failed the crashed hosts' tries.
      fault.duration =
          f.duration("duration", s.scheduler.zombieTaskThreshold + s.scheduler.zombieDetectionInterval, 1e-3);
    } else if (fault.kind == K::SchedulerCrash) {
      readSchedulerCrash(ctx, f, p, s, fault);
    } else if (fault.kind == K::TriggererCrash) {
      // {instance (1-based), duration: until its process is restarted}. Faults are read after the
      // DAGs: a triggerer runs when the section or a deferrable task deploys it.
      if (!s.triggerer.deployed)
        ctx.fail(f.raw("kind"), p + ".kind",
                 "no triggerer runs (no triggerer: section and no deferrable task): no triggerer_crash can happen");
      fault.instance = f.integer("instance", 1, 1, s.triggerer.instances) - 1;
      if (!f.has("duration"))
        ctx.fail(list[i], p + ".duration", "a triggerer_crash needs a duration (until its process is restarted)");
      fault.duration = f.duration("duration", 0, 1e-3);
      for (const Fault& other : s.faults)  // one death at a time per triggerer
        if (other.kind == K::TriggererCrash && other.instance == fault.instance &&
            fault.at < other.at + other.duration && other.at < fault.at + fault.duration)
          ctx.fail(f.raw("at"), p + ".at", "overlaps triggerer_crash '" + other.name + "' of the same triggerer");
    } else {
      if (!f.has("duration")) ctx.fail(list[i], p + ".duration", "a " + std::string(kind) + " needs a duration");
      fault.duration = f.duration("duration", 0, 1e-3);
      if (fault.kind == K::DbFailover) {
        fault.failsQueries = f.choice<bool>("mode", false, {{"wait", false}, {"error", true}});
        // A scheduler that exits on the errors comes back as Airflow's systemd unit restarts it
        // (Restart=always, RestartSec=5s), unless told otherwise.
        if (fault.failsQueries) readRestart(ctx, f, p, s, fault, 5);
      }
      if (fault.kind == K::ApiServerBrownout) {
        fault.capacity = f.number("capacity", fault.capacity, 0, 1);
        if (fault.capacity <= 0 || fault.capacity >= 1)
          ctx.fail(
              f.raw("capacity"), p + ".capacity",
              "a brownout keeps a share of the API server's CPU above 0 and below 1 (an outage is api_server_outage)");
        for (const Fault& other : s.faults)  // one capacity at a time
          if (other.kind == K::ApiServerBrownout && fault.at < other.at + other.duration &&
              other.at < fault.at + fault.duration)
            ctx.fail(f.raw("at"), p + ".at",
                     "overlaps api_server_brownout '" + other.name + "': give one capacity per window");
      }
    }
    fault.afterWindow = f.duration("after_window", fault.afterWindow, 1e-3);
    f.finish();
    s.faults.push_back(fault);
  }
}

}  // namespace schedlab::yaml
