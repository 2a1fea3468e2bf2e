#include "model/Triggerer.h"

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
      instances_(static_cast<size_t>(ctx.scenario.triggerer.instances)) {}

void Triggerer::start() {
  for (size_t i = 0; i < instances_.size(); ++i)
    ctx_.rt.spawn("triggerer-" + std::to_string(i + 1), [this, i] { loop(static_cast<int>(i)); });
}

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
  while (took < room && !unassigned_.empty()) {
    const auto [seq, ti] = unassigned_.front();
    unassigned_.pop_front();
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
      case Trigger::Kind::Poll:
        // Its first poll runs as it is loaded, then every poll interval.
        w.eventAt = t.at;
        w.firesAt = t.at <= now ? now : now + std::ceil((t.at - now) / t.pollInterval - 1e-12) * t.pollInterval;
        break;
      case Trigger::Kind::Stream: {
        const double remaining = t.timeout >= 0 ? t.timeout - now : 1e18;
        const long long s = w.seq;
        ctx_.rt.spawn("trigger", [this, ti, s, instance, now, t, remaining] {
          const double arrival = ctx_.hub.waitForArrival(t.stream, now, t.pollInterval, remaining);
          auto found = waiting_.find(ti);
          if (arrival < 0 || found == waiting_.end() || found->second.seq != s) return;  // timed out
          // An arrival that waited for a sensor before this one deferred is its event as it defers.
          found->second.eventAt = std::max(arrival, found->second.deferredAt);
          ctx_.state.run(ctx_.state.ti(ti).run).arrival = arrival;
          fired_[static_cast<size_t>(instance)].push_back({s, ti});
        });
        continue;
      }
    }
    // A trigger that would fire after its timeout never does: check_trigger_timeouts fails it.
    if (t.timeout < 0 || w.firesAt <= t.timeout) due_[static_cast<size_t>(instance)].push({w.firesAt, w.seq, ti});
  }
  return took;
}

void Triggerer::loop(int instance) {
  const TriggererConfig& cfg = ctx_.scenario.triggerer;
  // One deployment's triggerers: their own statements go to the first instance's database, each
  // event's to its task instance's.
  MetadataDb& db = ctx_.db(InstanceId(0));
  const size_t i = static_cast<size_t>(instance);
  double lastBeat = -INFINITY;
  while (true) {
    // load_triggers: assign_unassigned (its count, the unassigned triggers SKIP LOCKED, their
    // UPDATE) and ids_for_triggerer.
    QueryBatch load = db.batch();
    const int took = this->load(instance, ctx_.now());
    load.add(QueryType::TriggererLoad, 1, 1);
    if (took > 0) load.add(QueryType::TriggerAssign, took, 0);
    db.execute(load);
    // Up to a second for the trigger runner's news (its async loop reports every second).
    ctx_.rt.sleepFor(1);
    const double now = ctx_.now();
    std::vector<std::pair<TiId, MetadataDb*>> events;
    auto take = [&](long long seq, TiId ti) {
      auto it = waiting_.find(ti);
      if (it == waiting_.end() || it->second.seq != seq) return;  // failed by its timeout meanwhile
      events.push_back({ti, &ctx_.db(ctx_.state.dag(ctx_.state.dagOf(ti)).instance)});
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
    for (auto& [ti, tiDb] : events) {
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
    }
    db.execute(own);
    const double done = ctx_.now();
    Instance& in = instances_[i];
    account(in, done);
    for (auto& [ti, tiDb] : events) {
      auto it = waiting_.find(ti);
      if (it == waiting_.end()) continue;  // failed by its timeout while the events were written
      eventAt_[ti] = it->second.eventAt;
      resumable_[ti] = Resumption{false};
      waiting_.erase(it);
      in.assigned--;
      eventsSubmitted_++;
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
    resumable_[ti] = Resumption{true};
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
  if (e != eventAt_.end()) {
    if (e->second >= warmup_) delays_.push_back(now - e->second);
    eventAt_.erase(e);
  }
  return r;
}

void Triggerer::markWarmup() {
  warmup_ = ctx_.now();
  deferredAtWarmup_ = deferredTries_;
}

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
