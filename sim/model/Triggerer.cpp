#include "model/Triggerer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "model/MetadataDb.h"
#include "model/TriggerHub.h"
#include "model/WorkflowState.h"
#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {

Triggerer::Triggerer(SimContext& ctx)
    : ctx_(ctx),
      fired_(static_cast<size_t>(ctx.scenario.triggerer.instances)),
      due_(static_cast<size_t>(ctx.scenario.triggerer.instances)),
      instances_(static_cast<size_t>(ctx.scenario.triggerer.instances)),
      orphanedBy_(ctx.scenario.faults.size(), 0),
      warmup_(ctx.scenario.run.warmup) {
  const auto& faults = ctx.scenario.faults;
  for (size_t k = 0; k < faults.size(); ++k)
    if (faults[k].kind == Fault::Kind::TriggererCrash)
      instances_[static_cast<size_t>(faults[k].instance)].crashes.push_back({faults[k].at, static_cast<int>(k)});
  for (Instance& in : instances_) std::sort(in.crashes.begin(), in.crashes.end());
}

void Triggerer::start() {
  for (size_t i = 0; i < instances_.size(); ++i) {
    ctx_.rt.spawn("triggerer-" + std::to_string(i + 1), [this, i] { loop(static_cast<int>(i)); });
    for (const auto& planned : instances_[i].crashes)
      ctx_.rt.spawn("triggerer-crash", [this, i, at = planned.first, k = planned.second] {
        ctx_.rt.sleepUntil(at);
        crash(static_cast<int>(i), k, at + ctx_.scenario.faults[static_cast<size_t>(k)].duration);
      });
  }
}

void Triggerer::crash(int instance, int fault, double until) {
  const double now = ctx_.now();
  Instance& in = instances_[static_cast<size_t>(instance)];
  account(in, now);
  in.alive = false;
  in.generation++;
  in.downUntil = until;
  in.assigned = 0;
  // Its triggers keep its job's id until that job's heartbeat is old enough for another to take them.
  std::vector<std::pair<long long, TiId>> mine;
  for (auto& [ti, w] : waiting_)
    if (w.instance == instance) mine.push_back({w.seq, ti});
  std::sort(mine.begin(), mine.end());
  const double free = std::max(in.lastBeat, now - ctx_.scenario.triggerer.jobHeartbeatSec) +
                      ctx_.scenario.triggerer.healthCheckThreshold;
  for (auto [seq, ti] : mine) {
    waiting_[ti].instance = -1;
    orphans_.push_back({free, seq, ti});
  }
  orphanedBy_[static_cast<size_t>(fault)] += static_cast<long long>(mine.size());
  due_[static_cast<size_t>(instance)] = EarliestFirst();
  fired_[static_cast<size_t>(instance)].clear();
}

long long Triggerer::triggersOrphanedBy(int fault) const { return orphanedBy_[static_cast<size_t>(fault)]; }

void Triggerer::deferred(TiId ti, const Trigger& trigger) {
  deferredTries_++;
  Waiting& w = waiting_[ti];
  w = Waiting{.trigger = trigger, .seq = ++seq_, .deferredAt = ctx_.now()};
  unassigned_.push_back({w.seq, ti});
  if (trigger.timeout >= 0) timeouts_.push({trigger.timeout, w.seq, ti});
}

void Triggerer::account(Instance& in, double now) {
  const double from = std::max(in.since, warmup_);
  if (now > from) in.occupiedSeconds += in.assigned * (now - from);
  in.since = now;
}

int Triggerer::load(int instance, double now) {
  Instance& in = instances_[static_cast<size_t>(instance)];
  const int room = ctx_.scenario.triggerer.capacity - in.assigned;
  int took = 0;
  account(in, now);
  // A dead triggerer's first (they are older), once its job counts as dead, then the unassigned.
  auto next = [&](long long& seq, TiId& ti) {
    if (!orphans_.empty() && std::get<0>(orphans_.front()) <= now) {
      seq = std::get<1>(orphans_.front());
      ti = std::get<2>(orphans_.front());
      orphans_.pop_front();
      return true;
    }
    if (unassigned_.empty()) return false;
    seq = unassigned_.front().first;
    ti = unassigned_.front().second;
    unassigned_.pop_front();
    return true;
  };
  long long seq = 0;
  TiId ti;
  while (took < room && next(seq, ti)) {
    auto it = waiting_.find(ti);
    if (it == waiting_.end() || it->second.seq != seq) continue;  // timed out before it was loaded
    Waiting& w = it->second;
    w.instance = instance;
    in.assigned++;
    took++;
    const Trigger& t = w.trigger;
    switch (t.kind) {
      case Trigger::Kind::Time:
        w.eventAt = t.at;
        w.firesAt = std::max(now, t.at);
        break;
      case Trigger::Kind::Stream:
        if (w.eventAt >= 0) {  // it had its arrival when its triggerer died: it sees it again at once
          w.firesAt = now;
          break;
        }
        // Past its timeout it takes nothing (check_trigger_timeouts fails it); while an earlier
        // load's actor still waits (its arrival handed over, its poll to come), that one delivers.
        if (!w.waiting && (t.timeout < 0 || now <= t.timeout)) spawnStreamWait(ti, w, instance, now);
        continue;
      case Trigger::Kind::Poll:
        // Its first poll runs as it is loaded, then every poll interval.
        w.eventAt = t.at;
        w.firesAt = t.at <= now ? now : now + std::ceil((t.at - now) / t.pollInterval - 1e-12) * t.pollInterval;
        break;
    }
    // A trigger that would fire after its timeout never does: check_trigger_timeouts fails it.
    if (t.timeout < 0 || w.firesAt <= t.timeout) due_[static_cast<size_t>(instance)].push({w.firesAt, w.seq, ti});
  }
  return took;
}

namespace {

// A stream trigger's wait ends when its triggerer dies (its runner's coroutines die with it).
class DiesWithItsTriggerer : public TriggerHub::Heartbeat {
 public:
  explicit DiesWithItsTriggerer(double crashAt) : crashAt_(crashAt) {}
  double nextAt() const override { return crashAt_; }
  bool beat() override { return false; }

 private:
  double crashAt_;
};

}  // namespace

void Triggerer::spawnStreamWait(TiId ti, const Waiting& w, int instance, double now) {
  const Trigger t = w.trigger;
  const double remaining = t.timeout >= 0 ? t.timeout - now : 1e18;
  double crashAt = INFINITY;
  for (auto [at, k] : instances_[static_cast<size_t>(instance)].crashes)
    if (at >= now) {
      crashAt = at;
      break;
    }
  const long long s = w.seq;
  waiting_[ti].waiting = true;
  ctx_.rt.spawn("trigger", [this, ti, s, now, t, remaining, crashAt] {
    DiesWithItsTriggerer dies(crashAt);
    const double arrival =
        ctx_.hub.waitForArrival(t.stream, now, t.pollInterval, remaining, std::isfinite(crashAt) ? &dies : nullptr);
    auto found = waiting_.find(ti);
    const bool mine = found != waiting_.end() && found->second.seq == s;
    if (mine) found->second.waiting = false;
    if (arrival < 0) return;  // timed out (check_trigger_timeouts fails it), or its triggerer died
    if (!mine) {
      ctx_.hub.arrive(t.stream, ctx_.now());  // failed by its timeout meanwhile: for another sensor
      return;
    }
    Waiting& w = found->second;
    // An arrival that waited for a sensor before this one deferred is its event as it defers.
    w.eventAt = std::max(arrival, w.deferredAt);
    ctx_.state.run(ctx_.state.ti(ti).run).arrival = arrival;
    // Its triggerer now (another one may have loaded it after a crash); none: its next load fires it.
    if (w.instance >= 0 && instances_[static_cast<size_t>(w.instance)].alive)
      fired_[static_cast<size_t>(w.instance)].push_back({s, ti});
  });
}

void Triggerer::loop(int instance) {
  const TriggererConfig& cfg = ctx_.scenario.triggerer;
  // One deployment's triggerers: their own statements go to the first instance's database, each
  // event's to its task instance's.
  MetadataDb& db = ctx_.db(InstanceId(0));
  const size_t i = static_cast<size_t>(instance);
  double lastBeat = -INFINITY;
  Instance& self = instances_[i];
  while (true) {
    if (!self.alive) {
      // Restarted: a new process, a new job (a crash the moment it is back keeps it down).
      while (ctx_.now() < self.downUntil) ctx_.rt.sleepUntil(self.downUntil);
      self.alive = true;
      self.since = ctx_.now();
      lastBeat = -INFINITY;
    }
    const long long generation = self.generation;
    // load_triggers: assign_unassigned (its count, the unassigned triggers SKIP LOCKED, their
    // UPDATE) and ids_for_triggerer.
    QueryBatch load = db.batch();
    const int took = this->load(instance, ctx_.now());
    load.add(QueryType::TriggererLoad, 1, 1);
    if (took > 0) load.add(QueryType::TriggerAssign, took, 0);
    db.execute(load);
    // Up to a second for the trigger runner's news (its async loop reports every second).
    ctx_.rt.sleepFor(1);
    if (self.generation != generation) continue;  // it died meanwhile: what it had is lost
    const double now = ctx_.now();
    std::vector<std::tuple<long long, TiId, MetadataDb*>> events;
    auto take = [&](long long seq, TiId ti) {
      auto it = waiting_.find(ti);
      if (it == waiting_.end() || it->second.seq != seq) return;  // failed by its timeout meanwhile
      events.push_back({seq, ti, &ctx_.db(ctx_.state.dag(ctx_.state.dagOf(ti)).instance)});
    };
    auto& due = due_[i];
    while (!due.empty() && std::get<0>(due.top()) <= now) {
      take(std::get<1>(due.top()), std::get<2>(due.top()));
      due.pop();
    }
    for (auto [seq, ti] : fired_[i]) take(seq, ti);
    fired_[i].clear();
    // handle_events (submit_event per event), clean_unused, the job's heartbeat.
    QueryBatch own = db.batch();
    for (auto& [seq, ti, tiDb] : events) {
      if (tiDb == &db) {
        own.add(QueryType::TriggerEventSubmit, 1, 1);
      } else {
        QueryBatch other = tiDb->batch();
        other.add(QueryType::TriggerEventSubmit, 1, 1);
        tiDb->execute(other);
      }
    }
    own.add(QueryType::TriggerCleanUnused, 1, 0);
    if (now - lastBeat >= cfg.jobHeartbeatSec) {
      own.add(QueryType::TriggererHeartbeat, 1, 0);
      lastBeat = now;
      self.lastBeat = now;
    }
    db.execute(own);
    if (self.generation != generation) continue;  // it died while writing them
    const double done = ctx_.now();
    Instance& in = instances_[i];
    account(in, done);
    for (auto& [seq, ti, tiDb] : events) {
      auto it = waiting_.find(ti);
      if (it == waiting_.end() || it->second.seq != seq) continue;  // failed by its timeout meanwhile
      eventAt_[ti] = it->second.eventAt;
      resumable_[ti] = Resumption{false, ctx_.state.ti(ti).tryNumber + 1};
      waiting_.erase(it);
      in.assigned--;
      ctx_.state.markResumed(ti, done);
    }
  }
}

int Triggerer::checkTimeouts(double now) {
  int n = 0;
  while (!timeouts_.empty() && std::get<0>(timeouts_.top()) <= now) {
    const auto [at, seq, ti] = timeouts_.top();
    timeouts_.pop();
    auto it = waiting_.find(ti);
    if (it == waiting_.end() || it->second.seq != seq) continue;  // fired before
    if (it->second.instance >= 0) {
      Instance& in = instances_[static_cast<size_t>(it->second.instance)];
      account(in, now);
      in.assigned--;  // its trigger is cancelled at the triggerer's next load
    }
    waiting_.erase(it);
    resumable_[ti] = Resumption{true, ctx_.state.ti(ti).tryNumber + 1};
    timedOut_++;
    n++;
    ctx_.state.markResumed(ti, now);
  }
  return n;
}

std::optional<Triggerer::Resumption> Triggerer::resume(TiId ti, double now) {
  auto it = resumable_.find(ti);
  if (it == resumable_.end()) return std::nullopt;
  const Resumption r = it->second;
  resumable_.erase(it);
  auto e = eventAt_.find(ti);
  const double eventAt = e == eventAt_.end() ? -1 : e->second;
  if (e != eventAt_.end()) eventAt_.erase(e);
  if (ctx_.state.ti(ti).tryNumber != r.tryNumber) return std::nullopt;  // a retry: not resumed
  if (eventAt >= warmup_) delays_.push_back(now - eventAt);
  return r;
}

void Triggerer::markWarmup() { deferredAtWarmup_ = deferredTries_; }

void Triggerer::contribute(double end, RunResult& out) const {
  const TriggererConfig& cfg = ctx_.scenario.triggerer;
  nlohmann::json& m = out.metrics;
  m[metric::kDeferredTries.name()] = deferredTries_ - deferredAtWarmup_;
  m[metric::kTriggerTimeouts.name()] = timedOut_;
  double occupied = 0;
  for (const Instance& in : instances_) {
    const double from = std::max(in.since, warmup_);
    occupied += in.occupiedSeconds + (end > from ? in.assigned * (end - from) : 0);
  }
  const double capacity = (end - warmup_) * cfg.capacity * static_cast<double>(instances_.size());
  m[metric::kTriggererOccupancy.name()] = roundMetric(capacity > 0 ? occupied / capacity : 0);
  m[metric::kTriggerDelay.name()] = toJson(summarize(delays_.toVector()));
  if (cfg.pricePerHostHour >= 0)
    out.cost.add(cfg.pricePerHostHour * static_cast<double>(instances_.size()) * end / 3600);
}

}  // namespace schedlab
