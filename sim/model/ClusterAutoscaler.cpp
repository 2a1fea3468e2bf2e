// The life of the kubernetes executor's nodes: the cluster autoscaler's scans (scale-up for
// unschedulable pods, scale-down of unneeded nodes), launches and removals, and the scheduler's
// check for tries stuck in queued (task_queued_timeout). Part of KubernetesExecutor.
#include <algorithm>
#include <cmath>

#include "model/KubernetesExecutor.h"

namespace schedlab {

using NodeState = KubernetesExecutor::Node::State;

void KubernetesExecutor::clusterAutoscalerLoop() {
  while (true) {
    ctx_.rt.sleepFor(cfg_.clusterAutoscaler.scanInterval);
    const double now = ctx_.now();
    scaleUp(now);
    scaleDown(now);
  }
}

void KubernetesExecutor::scaleUp(double now) {
  if (pending_.empty()) return;
  // Its simulation: each unschedulable pod, oldest first, goes on a booting node's room, else on a
  // new node of the first pool (list order: the priority expander) that serves its queue, fits it
  // and is below max_nodes.
  struct Room {
    double cpu, memory;
  };
  std::vector<std::vector<Room>> room(pools_.size());
  for (size_t p = 0; p < pools_.size(); ++p)
    for (const Node& n : pools_[p].nodes)
      if (n.state == NodeState::Booting)
        room[p].push_back({pools_[p].config->cores - n.cpuUsed, pools_[p].config->memory - n.memoryUsed});
  std::vector<int> add(pools_.size(), 0);
  for (const PodPtr& pod : pending_) {
    const std::string& queue = ctx_.state.taskDef(pod->ti).queue;
    bool placed = false;
    for (size_t p = 0; p < pools_.size() && !placed; ++p) {
      if (!pools_[p].config->serves(queue)) continue;
      for (Room& r : room[p])
        if (r.cpu >= pod->cpu - 1e-9 && r.memory >= pod->memory - 1e-3) {
          r.cpu -= pod->cpu;
          r.memory -= pod->memory;
          placed = true;
          break;
        }
    }
    for (size_t p = 0; p < pools_.size() && !placed; ++p) {
      const NodePoolConfig& c = *pools_[p].config;
      if (!c.serves(queue) || c.cores < pod->cpu || c.memory < pod->memory) continue;
      if (nodesOn(pools_[p]) + add[p] >= c.maxNodes) continue;
      add[p]++;
      room[p].push_back({c.cores - pod->cpu, c.memory - pod->memory});
      placed = true;
    }
  }
  for (size_t p = 0; p < pools_.size(); ++p) {
    if (add[p] == 0) continue;
    NodePool& pool = pools_[p];
    const int before = nodesOn(pool);
    for (size_t n = 0, need = static_cast<size_t>(add[p]); n < pool.nodes.size() && need > 0; ++n)
      if (pool.nodes[n].state == NodeState::Off) {
        launch(static_cast<int>(p), static_cast<int>(n));
        --need;
      }
    pool.scaleUp++;
    lastScaleUp_ = now;
    scaling_.push_back({now, pool.config->name, true, before, nodesOn(pool), pendingFor(pool), podsOn(pool), 0});
  }
}

bool KubernetesExecutor::podsFitElsewhere(int pool, int node) const {
  // Free room on every other up node, filled first fit by the node's pods.
  std::vector<std::vector<std::pair<double, double>>> free(pools_.size());
  for (size_t p = 0; p < pools_.size(); ++p)
    for (size_t n = 0; n < pools_[p].nodes.size(); ++n) {
      const Node& o = pools_[p].nodes[n];
      const bool self = static_cast<int>(p) == pool && static_cast<int>(n) == node;
      free[p].push_back(o.state == NodeState::Up && !self ? std::make_pair(pools_[p].config->cores - o.cpuUsed,
                                                                           pools_[p].config->memory - o.memoryUsed)
                                                          : std::make_pair(0.0, 0.0));
    }
  for (const PodPtr& pod : pools_[static_cast<size_t>(pool)].nodes[static_cast<size_t>(node)].pods) {
    const std::string& queue = ctx_.state.taskDef(pod->ti).queue;
    bool placed = false;
    for (size_t p = 0; p < pools_.size() && !placed; ++p) {
      if (!pools_[p].config->serves(queue)) continue;
      for (auto& [cpu, memory] : free[p])
        if (cpu >= pod->cpu - 1e-9 && memory >= pod->memory - 1e-3) {
          cpu -= pod->cpu;
          memory -= pod->memory;
          placed = true;
          break;
        }
    }
    if (!placed) return false;
  }
  return true;
}

void KubernetesExecutor::scaleDown(double now) {
  const ClusterAutoscalerConfig& ca = cfg_.clusterAutoscaler;
  // Scale-down is not evaluated for scale_down_delay_after_add after a scale-up.
  const bool evaluating = now - lastScaleUp_ >= ca.scaleDownDelayAfterAdd;
  int emptyRemoved = 0;
  bool busyRemoved = false;
  for (size_t p = 0; p < pools_.size(); ++p) {
    NodePool& pool = pools_[p];
    const NodePoolConfig& c = *pool.config;
    const int before = nodesOn(pool);
    int removed = 0;
    for (size_t n = 0; n < pool.nodes.size(); ++n) {
      Node& node = pool.nodes[n];
      if (node.state != NodeState::Up || !evaluating) {
        node.unneededSince = -1;
        continue;
      }
      const double utilization = std::max(node.cpuUsed / c.cores, node.memoryUsed / c.memory);
      // A node running a pod without a controller stays, unless its pods are safe to evict and
      // fit elsewhere; one whose pod is writing its end waits for it (its grace period).
      bool unneeded =
          utilization < ca.scaleDownUtilizationThreshold &&
          (node.pods.empty() || (c.safeToEvict && podsFitElsewhere(static_cast<int>(p), static_cast<int>(n))));
      for (const PodPtr& pod : node.pods) unneeded &= !pod->finishing;
      if (!unneeded) {
        node.unneededSince = -1;
        continue;
      }
      if (node.unneededSince < 0) node.unneededSince = now;
      if (now - node.unneededSince < ca.scaleDownUnneededTime - 1e-9) continue;
      if (nodesOn(pool) <= c.minNodes) continue;
      // Empty nodes go in bulk (max-empty-bulk-delete 10), a busy one at a time.
      if (node.pods.empty() ? emptyRemoved >= 10 : busyRemoved) continue;
      if (node.pods.empty()) {
        ++emptyRemoved;
      } else {
        busyRemoved = true;
      }
      removeNode(static_cast<int>(p), static_cast<int>(n));
      ++removed;
    }
    if (removed == 0) continue;
    pool.scaleDown++;
    scaling_.push_back({now, c.name, false, before, nodesOn(pool), pendingFor(pool), podsOn(pool), 0});
  }
}

void KubernetesExecutor::launch(int p, int n) {
  NodePool& pool = pools_[static_cast<size_t>(p)];
  Node& node = pool.nodes[static_cast<size_t>(n)];
  node.state = NodeState::Booting;
  node.launchedAt = ctx_.now();
  node.imageReadyAt = -1;
  const int life = ++node.life;
  pool.peakOn = std::max(pool.peakOn, nodesOn(pool));
  auto ready = [this, p, n, life] {
    Node& nd = pools_[static_cast<size_t>(p)].nodes[static_cast<size_t>(n)];
    if (nd.life != life || nd.state != NodeState::Booting) return;
    nd.state = NodeState::Up;
    bindPending();
  };
  if (pool.config->bootTime <= 0) {
    ready();
    return;
  }
  ctx_.rt.spawn("node-boot", [this, ready, boot = pool.config->bootTime] {
    ctx_.rt.sleepFor(boot);
    ready();
  });
}

void KubernetesExecutor::removeNode(int p, int n) {
  NodePool& pool = pools_[static_cast<size_t>(p)];
  Node& node = pool.nodes[static_cast<size_t>(n)];
  // Evicted (safe_to_evict): its pods are killed; their tries come back as Airflow brings them back.
  const std::vector<PodPtr> victims = node.pods;
  ctx_.rt.atomically([&] {
    for (const PodPtr& pod : victims) {
      unbind(*pod);
      pod->killed = true;
      pool.killedByScaleDown++;
      podOf_.erase(pod->ti);
      reportKilled(pod);
      pod->interrupt();
    }
  });
  node.billedSeconds += ctx_.now() - node.launchedAt;
  node.state = NodeState::Off;
  node.cpuUsed = node.memoryUsed = 0;
  node.unneededSince = -1;
}

void KubernetesExecutor::stuckInQueuedLoop() {
  const SchedulerConfig& s = ctx_.scenario.scheduler;
  WorkflowState& st = ctx_.state;
  while (true) {
    ctx_.rt.sleepFor(s.taskQueuedTimeoutCheckInterval);
    const double cutoff = ctx_.now() - s.taskQueuedTimeout;
    // Queued before the cutoff and not yet running: waiting for its pod, or its pod not started.
    std::vector<std::pair<TiId, PodPtr>> stuck;
    for (SchedulerId sc : schedulers_.ids())
      for (TiId ti : schedulers_[sc].taskQueue)
        if (st.tiState(ti) == TiState::Queued && !st.ti(ti).sent && st.ti(ti).queuedBy == sc &&
            st.ti(ti).queued <= cutoff)
          stuck.push_back({ti, nullptr});
    for (const auto& [ti, pod] : podOf_)
      if (!pod->killed && st.tiState(ti) == TiState::Queued && st.ti(ti).queued <= cutoff) stuck.push_back({ti, pod});
    for (const auto& [ti, pod] : stuck) revoke(ti, pod);
  }
}

void KubernetesExecutor::revoke(TiId ti, const PodPtr& pod) {
  WorkflowState& st = ctx_.state;
  const SchedulerConfig& s = ctx_.scenario.scheduler;
  // The check found it a moment ago: it may have started, or its pod gone, since.
  if (st.tiState(ti) != TiState::Queued || (pod && pod->killed)) return;
  const SchedulerId by = st.ti(ti).queuedBy;
  // revoke_task: the pod deleted (or the task dropped from the task queue).
  if (pod) {
    ctx_.rt.atomically([&] {
      pod->killed = true;
      if (pod->node >= 0) {
        unbind(*pod);
      } else {
        pending_.erase(std::find(pending_.begin(), pending_.end(), pod));
        pod->bound->release();
      }
      pod->interrupt();
      podOf_.erase(ti);
    });
  } else {
    // (Not there: its pod is being created; the creation sees it no longer queued.)
    auto& q = schedulers_[by].taskQueue;
    if (auto it = std::find(q.begin(), q.end(), ti); it != q.end()) q.erase(it);
  }
  stuckInQueued_++;
  const double now = ctx_.now();
  if (s.model == SchedulerModel::Airflow3) {
    // _maybe_requeue_stuck_ti: scheduled again while it was stuck fewer than
    // num_stuck_in_queued_retries times in this try, else failed outright (no retry).
    int& times = stuck_[{ti, st.ti(ti).tryNumber}];
    if (times++ < s.numStuckInQueuedRetries) {
      st.markRequeued(ti, now);
    } else {
      st.markRunning(ti, now, -1, false);
      st.markFinished(ti, now, false, false);
      schedulers_[by].events++;
    }
  } else {
    // The deleted pod is reported failed: handle_failure, retried while it has retries.
    st.markRunning(ti, now, -1, false);
    st.markFinished(ti, now, false);
    schedulers_[by].events++;
  }
  if (pod) bindPending();
}

}  // namespace schedlab
