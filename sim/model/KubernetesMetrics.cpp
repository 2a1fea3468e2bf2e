// The kubernetes executor's part of a run's results: pod start and its parts, per node pool its
// node-hours, size, pods, CPU, scaling and evictions (metrics_by_pool), their totals, the pools'
// time series (nodes, pods pending, pods running) and scaling actions, and its price. Part of
// KubernetesExecutor.
#include <algorithm>

#include "model/KubernetesExecutor.h"
#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {

using NodeState = KubernetesExecutor::Node::State;

int KubernetesExecutor::nodesOn(const NodePool& pool) {
  int n = 0;
  for (const Node& node : pool.nodes) n += node.state != NodeState::Off;
  return n;
}

int KubernetesExecutor::nodesUp(const NodePool& pool) {
  int n = 0;
  for (const Node& node : pool.nodes) n += node.state == NodeState::Up;
  return n;
}

int KubernetesExecutor::podsOn(const NodePool& pool) {
  size_t n = 0;
  for (const Node& node : pool.nodes) n += node.pods.size();
  return static_cast<int>(n);
}

int KubernetesExecutor::pendingFor(const NodePool& pool) const {
  int n = 0;
  for (const PodPtr& pod : pending_) n += pool.config->serves(ctx_.state.taskDef(pod->ti).queue);
  return n;
}

size_t KubernetesExecutor::queueDepth() const {
  size_t n = pending_.size();
  for (const PerScheduler& s : schedulers_) n += s.taskQueue.size();
  return n;
}

int KubernetesExecutor::busyWorkers() const {
  int n = 0;
  for (const NodePool& pool : pools_)
    for (const Node& node : pool.nodes) n += !node.pods.empty();
  return n;
}

double KubernetesExecutor::billedSeconds(const NodePool& pool, double now) const {
  double s = 0;
  for (const Node& node : pool.nodes)
    s += node.billedSeconds + (node.state != NodeState::Off ? now - node.launchedAt : 0);
  return s;
}

void KubernetesExecutor::markWarmup(double now) {
  for (size_t p = 0; p < pools_.size(); ++p) {
    for (Node& node : pools_[p].nodes) node.cpuAtWarmup = ctx_.rt.computedSeconds(node.host);
    billedAtWarmup_[p] = billedSeconds(pools_[p], now);
  }
}

void KubernetesExecutor::sample(double now, RunResult& out) {
  // Per node pool: its nodes (on, up), the pods waiting for one of its nodes, the pods on them, CPU.
  for (size_t p = 0; p < pools_.size(); ++p) {
    NodePool& pool = pools_[p];
    double computed = 0;
    for (size_t n = 0; n < pool.nodes.size(); ++n) {
      const double c = ctx_.rt.computedSeconds(pool.nodes[n].host);
      computed += c - pool.cpuAt[n];
      pool.cpuAt[n] = c;
    }
    const double billed = billedSeconds(pool, now);
    const double cpu =
        billed > billedAtSample_[p] ? computed / ((billed - billedAtSample_[p]) * pool.config->cores) : 0;
    billedAtSample_[p] = billed;
    out.poolSamples.push_back(
        {now, pool.config->name, nodesOn(pool), nodesUp(pool), pendingFor(pool), podsOn(pool), cpu});
  }
}

void KubernetesExecutor::contribute(double end, RunResult& out) const {
  nlohmann::json& m = out.metrics;
  m[metric::kPodStartLatency.name()] = toJson(summarize(start_));
  m[metric::kPodApi.name()] = toJson(summarize(api_));
  m[metric::kPodPending.name()] = toJson(summarize(pendingS_));
  m[metric::kPodImagePull.name()] = toJson(summarize(pull_));
  m[metric::kPodContainerStart.name()] = toJson(summarize(container_));
  m[metric::kPodsPending.name()] = {{"end", pending_.size()}, {"max", peakPending_}};
  double nodeHours = 0;
  long long killed = 0, podsRun = 0, scaleUp = 0, scaleDown = 0;
  nlohmann::json hoursByPool = nlohmann::json::object();
  for (size_t p = 0; p < pools_.size(); ++p) {
    const NodePool& pool = pools_[p];
    const NodePoolConfig& c = *pool.config;
    const double billed = billedSeconds(pool, end);
    const double hours = billed / 3600.0;
    double computed = 0;
    for (const Node& node : pool.nodes) computed += ctx_.rt.computedSeconds(node.host) - node.cpuAtWarmup;
    const double billedWindow = billed - billedAtWarmup_[p];
    nodeHours += hours;
    hoursByPool[c.name] = roundMetric(hours);
    killed += pool.killedByScaleDown;
    podsRun += pool.podsRun;
    scaleUp += pool.scaleUp;
    scaleDown += pool.scaleDown;
    nlohmann::json j = {
        {metric::kNodeHours.name(), roundMetric(hours)},
        {metric::kNodesMax.name(), pool.peakOn},
        {metric::kPodsRun.name(), pool.podsRun},
        {metric::kNodeCpuUtilization.name(), billedWindow > 0 ? roundMetric(computed / (billedWindow * c.cores)) : 0.0},
        {metric::kScaleEvents.name(), {{"out", pool.scaleUp}, {"in", pool.scaleDown}}},
        {metric::kPodsKilledByScaleDown.name(), pool.killedByScaleDown}};
    if (c.pricePerNodeHour >= 0) {
      out.cost.add(hours * c.pricePerNodeHour);
      j[metric::kCost.name()] = roundMetric(hours * c.pricePerNodeHour);
    }
    out.metricsByPool[c.name] = j;
  }
  m[metric::kNodeHours.name()] = roundMetric(nodeHours);
  m[metric::kNodeHoursByPool.name()] = hoursByPool;
  m[metric::kPodsRun.name()] = podsRun;
  m[metric::kScaleEvents.name()] = {{"out", scaleUp}, {"in", scaleDown}};
  m[metric::kPodsKilledByScaleDown.name()] = killed;
  m[metric::kTasksStuckInQueued.name()] = stuckInQueued_;
  m[metric::kStaleMessages.name()] = runner_.staleMessages();
  m[metric::kTasksFailedOnDbErrors.name()] = runner_.failedOnDbErrors();
  m[metric::kTaskEndsLostOnDbErrors.name()] = runner_.endsLostOnDbErrors();
  m[metric::kTasksRunTwiceAtOnce.name()] = runner_.runTwiceAtOnce();
  for (const ScalingRow& r : scaling_) out.scaling.push_back(r);
}

}  // namespace schedlab
