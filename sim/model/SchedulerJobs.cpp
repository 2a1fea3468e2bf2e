#include "model/SchedulerJobs.h"
#include "model/SchedulerNumbering.h"

#include <algorithm>
#include <cmath>

#include "util/Random.h"

#include "model/WorkflowState.h"
#include "results/MetricSchema.h"

namespace schedlab {

SchedulerJobs::SchedulerJobs(SimContext& ctx) : ctx_(ctx) {
  for (SchedulerId s : SchedulerNumbering(ctx.scenario).schedulers()) {
    Slot sl;
    sl.wake = ctx.rt.semaphore(0);
    sl.job = newJob(s);
    sl.standbys = ctx.scenario.scheduler.hotStandby ? 1 : 0;
    slots_.add(std::move(sl));
  }
  live_ = IdTable<InstanceId, int>(ctx.scenario.instances.size(), ctx.scenario.scheduler.replicas);
  down_ = IdTable<InstanceId, std::vector<Down>>(ctx.scenario.instances.size(), {});
}

InstanceId SchedulerJobs::instanceOf(SchedulerId scheduler) const {
  return SchedulerNumbering(ctx_.scenario).instanceOf(scheduler);
}

JobId SchedulerJobs::newJob(SchedulerId scheduler) { return jobs_.add({scheduler, ctx_.now()}); }

void SchedulerJobs::start() {
  const auto& faults = ctx_.scenario.faults;
  for (size_t f = 0; f < faults.size(); ++f)
    if (faults[f].kind == Fault::Kind::SchedulerCrash)
      ctx_.rt.spawn("scheduler-crash", [this, f] { crashLoop(ctx_.scenario.faults[f], static_cast<int>(f)); });
  if (ctx_.scenario.scheduler.hotStandby)
    for (SchedulerId s : slots_.ids()) ctx_.rt.spawn("failover-controller", [this, s] { standbyLoop(s); });
  if (ctx_.scenario.monitoring.enabled)
    for (InstanceId i : live_.ids()) ctx_.rt.spawn("heartbeat-alert", [this, i] { alertLoop(i); });
}

JobId SchedulerJobs::checkpoint(SchedulerId scheduler) {
  Slot& sl = slots_[scheduler];
  while (!sl.alive) {
    sl.parked++;
    sl.wake->acquire();
    sl.parked--;
  }
  return sl.job;
}

void SchedulerJobs::heartbeat(SchedulerId scheduler) {
  const Slot& sl = slots_[scheduler];
  // A dead process's last transaction may still complete; its row no longer changes.
  if (sl.alive) jobs_[sl.job].latestHeartbeat = ctx_.now();
}

bool SchedulerJobs::dead(const Job& job, double now) const {
  return now - job.latestHeartbeat > ctx_.scenario.scheduler.healthCheckThreshold;
}

void SchedulerJobs::kill(SchedulerId scheduler, CrashId crash) {
  Slot& sl = slots_[scheduler];
  if (!sl.alive) return;
  sl.alive = false;
  jobs_[sl.job].crash = crash;
  const InstanceId inst = instanceOf(scheduler);
  if (--live_[inst] == 0) down_[inst].push_back({ctx_.now(), -1, crash});
}

void SchedulerJobs::startProcess(SchedulerId scheduler) {
  Slot& sl = slots_[scheduler];
  sl.alive = true;
  sl.job = newJob(scheduler);
  const InstanceId inst = instanceOf(scheduler);
  if (live_[inst]++ == 0) down_[inst].back().to = ctx_.now();
  for (Crash& c : crashes_)
    if (c.scheduler == scheduler && c.backAt < 0) c.backAt = ctx_.now();
  for (int k = sl.parked; k > 0; --k) sl.wake->release();
}

void SchedulerJobs::crashLoop(const Fault& fault, int faultIndex) {
  ctx_.rt.sleepUntil(fault.at);
  die(SchedulerNumbering(ctx_.scenario).scheduler(InstanceId(fault.instance), fault.replica), faultIndex);
}

void SchedulerJobs::die(SchedulerId scheduler, int fault) {
  if (!alive(scheduler)) return;  // already down: nothing more to kill
  const CrashId c = crashes_.add({fault, scheduler, ctx_.now()});
  kill(scheduler, c);
  const double delay = ctx_.scenario.faults[static_cast<size_t>(fault)].restartAfter;
  if (delay >= 0) restartAfter(c, delay);
}

void SchedulerJobs::restartAfter(CrashId crash, double delay) {
  ctx_.rt.spawn("scheduler-restart", [this, crash, delay] {
    ctx_.rt.sleepFor(delay);
    restart(crash);
  });
}

void SchedulerJobs::restart(CrashId crash) {
  const SchedulerId s = crashes_[crash].scheduler;
  Slot& sl = slots_[s];
  if (sl.alive) {
    sl.standbys += ctx_.scenario.scheduler.hotStandby ? 1 : 0;  // the standby runs it: this one waits in its place
    return;
  }
  restarts_++;
  startProcess(s);
}

bool SchedulerJobs::reachDb(SchedulerId scheduler, const MetadataDb& db) {
  const MetadataDb::Failover* f = db.refusing();
  if (!f) return true;
  constexpr int kMaxDbRetries = 3;
  for (int attempt = 1; attempt < kMaxDbRetries; ++attempt) {
    Rng rng = keyedRng(ctx_.seed(), hashString("run_with_db_retries"), static_cast<uint64_t>(scheduler.value()),
                       ++retryDraws_);
    ctx_.rt.sleepFor(rng.uniform() * std::min(5.0, 0.5 * std::pow(2.0, attempt)));
    if (!(f = db.refusing())) return true;
  }
  if (alive(scheduler)) dbExits_++;
  die(scheduler, f->fault);
  return false;
}

void SchedulerJobs::standbyLoop(SchedulerId scheduler) {
  const SchedulerConfig& cfg = ctx_.scenario.scheduler;
  Slot& sl = slots_[scheduler];
  while (true) {
    ctx_.rt.sleepFor(cfg.standbyPollInterval);
    if (sl.standbys == 0) continue;
    if (ctx_.now() - jobs_[sl.job].latestHeartbeat <= cfg.standbyTakeoverAfter) continue;
    // The controller stops an active that stopped heartbeating (it may only be slow), so only
    // one scheduler ever runs, then starts the standby.
    kill(scheduler, CrashId());
    sl.standbys--;
    takeovers_++;
    startProcess(scheduler);
  }
}

double SchedulerJobs::newestHeartbeat(InstanceId instance) const {
  double newest = -1e300;
  for (const Job& j : jobs_)
    if (instanceOf(j.scheduler) == instance) newest = std::max(newest, j.latestHeartbeat);
  return newest;
}

void SchedulerJobs::alertLoop(InstanceId instance) {
  const MonitoringConfig& m = ctx_.scenario.monitoring;
  bool firing = false;
  size_t alert = 0;
  while (true) {
    ctx_.rt.sleepFor(m.alertPollInterval);
    const double now = ctx_.now();
    const double age = now - newestHeartbeat(instance);
    if (firing && age <= m.alertThreshold) {
      firing = false;
      alerts_[alert].resolvedAt = now;
    } else if (!firing && age > m.alertThreshold) {
      firing = true;
      alerts_.push_back({instance, now, -1});
      alert = alerts_.size() - 1;
      // Someone is paged: each crashed scheduler of the instance still down gets restarted.
      for (CrashId c : crashes_.ids()) {
        Crash& cr = crashes_[c];
        if (instanceOf(cr.scheduler) != instance || cr.backAt >= 0 || cr.alertAt >= 0) continue;
        cr.alertAt = now;
        const double delay = ctx_.scenario.faults[static_cast<size_t>(cr.fault)].restartAfterAlert;
        if (delay >= 0) restartAfter(c, delay);
      }
    }
  }
}

SchedulerJobs::Sweep SchedulerJobs::findOrphans(SchedulerId scheduler, QueryBatch& batch) {
  WorkflowState& st = ctx_.state;
  const double now = ctx_.now();
  const InstanceId instance = instanceOf(scheduler);
  Sweep sweep;
  IdTable<JobId, char> orphaned(jobs_.size(), 0);
  bool any = false;
  for (JobId j : jobs_.ids())
    if (!jobs_[j].swept && instanceOf(jobs_[j].scheduler) == instance && dead(jobs_[j], now)) {
      orphaned[j] = 1;
      any = true;
    }
  // Only a dead job not yet swept can have orphans: the scan is skipped otherwise.
  if (any) {
    for (TiId i : st.openRunTis()) {
      const TaskInstance& ti = st.ti(i);
      if ((ti.state != TiState::Queued && ti.state != TiState::Running) || !ti.queuedByJob.valid() ||
          !orphaned[ti.queuedByJob])
        continue;
      // Sent to the broker (it has a Celery task id): the executor adopts it; else reset.
      (ti.sent ? sweep.adopt : sweep.reset).push_back(i);
    }
    for (JobId j : jobs_.ids()) {
      const Slot& sl = slots_[jobs_[j].scheduler];
      // A job whose process is gone queues nothing more: swept once. (A slow one is looked at again.)
      if (orphaned[j] && (sl.job != j || !sl.alive)) sweep.deadJobs.push_back(j);
    }
  }
  const double found = static_cast<double>(sweep.adopt.size() + sweep.reset.size());
  batch.add(QueryType::AdoptOrResetOrphans, st.activeTasksOfInstance(instance), found, 1, {.tis = sweep.reset});
  return sweep;
}

SchedulerJobs::Sweep SchedulerJobs::findResettable(InstanceId instance, QueryBatch& batch) {
  WorkflowState& st = ctx_.state;
  Sweep sweep;
  for (TiId i : st.openRunTis()) {
    const TaskInstance& ti = st.ti(i);
    if ((ti.state == TiState::Scheduled || ti.state == TiState::Queued) && st.dag(st.dagOf(i)).instance == instance)
      sweep.reset.push_back(i);
  }
  // Every earlier job of the instance is over: this start resets what they left.
  for (JobId j : jobs_.ids())
    if (!jobs_[j].swept && instanceOf(jobs_[j].scheduler) == instance && slots_[jobs_[j].scheduler].job != j)
      sweep.deadJobs.push_back(j);
  const double found = static_cast<double>(sweep.reset.size());
  batch.add(QueryType::AdoptOrResetOrphans, st.activeTasksOfInstance(instance) + st.scheduledCount(instance), found, 1,
            {.tis = sweep.reset});
  return sweep;
}

void SchedulerJobs::apply(const Sweep& sweep, SchedulerId scheduler) {
  WorkflowState& st = ctx_.state;
  // The crash an orphan is owed to: its job's, else the latest of this scheduler's.
  auto crashOf = [&](const TaskInstance& ti) -> Crash* {
    const bool owned = ti.state == TiState::Queued || ti.state == TiState::Running;
    if (owned && ti.queuedByJob.valid() && jobs_[ti.queuedByJob].crash.valid())
      return &crashes_[jobs_[ti.queuedByJob].crash];
    for (auto c = crashes_.rbegin(); c != crashes_.rend(); ++c)
      if (c->scheduler == scheduler && c->backAt >= 0) return &*c;
    return nullptr;
  };
  const JobId job = this->job(scheduler);
  // The batch took time: a TI that moved on meanwhile (started, ended) is left alone.
  // (Its run may even have finished: only the state is read then.)
  for (TiId i : sweep.adopt) {
    if (st.tiState(i) != TiState::Queued && st.tiState(i) != TiState::Running) continue;
    TaskInstance& ti = st.ti(i);
    if (ti.queuedByJob == job) continue;
    if (Crash* c = crashOf(ti)) c->adopted++;
    adopted_++;
    st.adopt(i, scheduler, job);
  }
  for (TiId i : sweep.reset) {
    if (st.tiState(i) != TiState::Scheduled && st.tiState(i) != TiState::Queued) continue;
    TaskInstance& ti = st.ti(i);
    if (Crash* c = crashOf(ti)) c->reset++;
    reset_++;
    st.resetToNone(i);
  }
  for (JobId j : sweep.deadJobs) {
    Job& dead = jobs_[j];
    if (dead.swept) continue;
    dead.swept = true;
    if (dead.crash.valid()) crashes_[dead.crash].sweptAt = ctx_.now();
  }
}

double SchedulerJobs::unavailableSeconds(InstanceId instance, double from, double to) const {
  double sum = 0;
  for (const Down& d : down_[instance]) {
    const double end = d.to < 0 ? to : std::min(d.to, to);
    sum += std::max(0.0, end - std::max(d.from, from));
  }
  return sum;
}

double SchedulerJobs::unavailableSecondsOf(int fault, double end) const {
  double sum = 0;
  for (const auto& instance : down_)
    for (const Down& d : instance)
      if (d.crash.valid() && crashes_[d.crash].fault == fault)
        sum += std::max(0.0, (d.to < 0 ? end : std::min(d.to, end)) - d.from);
  return sum;
}

double SchedulerJobs::unavailableSeconds(double from, double to) const {
  double sum = 0;
  for (InstanceId i : down_.ids()) sum += unavailableSeconds(i, from, to);
  return sum;
}

void SchedulerJobs::contribute(double end, RunResult& out) const {
  const Scenario& sc = ctx_.scenario;
  nlohmann::json& m = out.metrics;
  // Scheduler processes: how long an instance had none, what the alert saw, what was orphaned.
  m[metric::kSchedulerUnavailable.name()] = roundMetric(unavailableSeconds(0, end));
  nlohmann::json detected = nullptr;
  for (const auto& c : crashes_)
    if (c.alertAt >= 0) {
      detected = roundMetric(c.alertAt - c.at);
      break;
    }
  m[metric::kOutageDetectedAfter.name()] = detected;  // of the first scheduler crash the alert caught
  m[metric::kSchedulerAlerts.name()] = static_cast<long long>(alerts_.size());
  m[metric::kSchedulerRestarts.name()] = restarts_;
  m[metric::kStandbyTakeovers.name()] = takeovers_;
  m[metric::kOrphanedTasksAdopted.name()] = adopted_;
  m[metric::kOrphanedTasksCleared.name()] = reset_;
  m[metric::kSchedulerExitsOnDbErrors.name()] = dbExits_;
  // Scheduler hosts: every replica of every instance, and a hot standby's.
  const double hosts =
      static_cast<double>(sc.instances.size()) * (sc.scheduler.replicas + (sc.scheduler.hotStandby ? 1 : 0));
  m[metric::kSchedulerHostHours.name()] = roundMetric(hosts * end / 3600.0);
  if (sc.scheduler.pricePerHostHour >= 0) out.cost.add(hosts * end / 3600.0 * sc.scheduler.pricePerHostHour);
}

}  // namespace schedlab
