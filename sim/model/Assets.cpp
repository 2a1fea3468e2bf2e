#include "model/Assets.h"

#include <algorithm>

#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {

AssetRegistry::AssetRegistry(const Scenario& sc, WorkflowState& state) : state_(state), warmup_(sc.run.warmup) {
  auto indexOf = [this](const std::string& name) {
    auto [it, added] = index_.emplace(name, static_cast<int>(events_.size()));
    if (added) {
      events_.emplace_back();
      writtenBy_.emplace_back();
      consumersOf_.emplace_back();
    }
    return it->second;
  };
  for (const DagDef& d : sc.dags)
    for (const TaskDef& t : d.tasks)
      for (const std::string& a : t.outlets) indexOf(a);
  consumerOfDag_.assign(state.dags().size(), -1);
  for (DagId dag : state.dags().ids()) {
    const DagDef& d = state.def(dag);
    if (d.scheduleAssets.empty()) continue;
    Consumer c{dag, InstanceId(d.instance), {}, {}, -1e300, d.startDate - sc.run.start};
    for (const std::string& a : d.scheduleAssets) c.assets.push_back(indexOf(a));
    c.queuedAt.assign(c.assets.size(), -1);
    const int k = static_cast<int>(consumers_.size());
    for (int a : c.assets) consumersOf_[static_cast<size_t>(a)].push_back(k);
    consumerOfDag_[dag.index()] = k;
    consumers_.push_back(std::move(c));
  }
}

int AssetRegistry::produced(TiId ti, double now) {
  const TaskDef& td = state_.taskDef(ti);
  for (const std::string& name : td.outlets) {
    const int a = index_.at(name);
    events_[static_cast<size_t>(a)].push_back(now);
    writtenBy_[static_cast<size_t>(a)].push_back(state_.dag(state_.dagOf(ti)).instance);
    eventCount_++;
    for (int k : consumersOf_[static_cast<size_t>(a)]) {
      Consumer& c = consumers_[static_cast<size_t>(k)];
      if (now < c.deployedAt) continue;  // not deployed yet: no queue row (its first run reads the events anyway)
      for (size_t i = 0; i < c.assets.size(); ++i)
        if (c.assets[i] == a && c.queuedAt[i] < 0) {  // ON CONFLICT DO NOTHING: the first event's row stays
          c.queuedAt[i] = now;
          queuedRows_++;
        }
    }
  }
  return static_cast<int>(td.outlets.size());
}

std::vector<DagId> AssetRegistry::ready(InstanceId instance) const {
  std::vector<DagId> out;
  for (const Consumer& c : consumers_) {
    if (c.instance != instance) continue;
    if (std::any_of(c.queuedAt.begin(), c.queuedAt.end(), [](double t) { return t < 0; })) continue;
    if (static_cast<int>(state_.dag(c.dag).activeRuns.size()) >= state_.def(c.dag).maxActiveRuns) continue;
    out.push_back(c.dag);
  }
  return out;
}

long long AssetRegistry::consume(DagId dag, double now) {
  Consumer& c = consumers_[static_cast<size_t>(consumerOfDag_[dag.index()])];
  const double triggered = *std::max_element(c.queuedAt.begin(), c.queuedAt.end());
  long long n = 0;
  for (int a : c.assets) {
    const auto& times = events_[static_cast<size_t>(a)];
    n += std::upper_bound(times.begin(), times.end(), triggered) -
         std::upper_bound(times.begin(), times.end(), c.previousRunAfter);
  }
  c.previousRunAfter = triggered;
  queuedRows_ -= static_cast<long long>(c.assets.size());
  std::fill(c.queuedAt.begin(), c.queuedAt.end(), -1);
  runs_++;
  if (now >= warmup_) consumedPerRun_.push_back(static_cast<double>(n));
  return n;
}

long long AssetRegistry::archive(double cutoff, const std::function<bool(InstanceId)>& inDb) {
  long long n = 0;
  for (size_t a = 0; a < events_.size(); ++a) {
    std::vector<double>& times = events_[a];
    std::vector<InstanceId>& by = writtenBy_[a];
    size_t kept = 0;
    for (size_t i = 0; i < times.size(); ++i) {
      if (times[i] < cutoff && inDb(by[i])) {
        n++;
        continue;
      }
      times[kept] = times[i];
      by[kept++] = by[i];
    }
    times.resize(kept);
    by.resize(kept);
  }
  return n;
}

void AssetRegistry::markWarmup() {
  eventsAtWarmup_ = eventCount_;
  runsAtWarmup_ = runs_;
}

void AssetRegistry::contribute(RunResult& out) const {
  nlohmann::json& m = out.metrics;
  m[metric::kAssetEvents.name()] = eventCount_ - eventsAtWarmup_;
  m[metric::kAssetTriggeredRuns.name()] = runs_ - runsAtWarmup_;
  m[metric::kAssetEventsPerRun.name()] = toJson(summarize(consumedPerRun_));
}

}  // namespace schedlab
