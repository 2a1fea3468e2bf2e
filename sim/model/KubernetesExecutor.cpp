#include "model/KubernetesExecutor.h"

#include <algorithm>
#include <cmath>

#include "util/Random.h"

namespace schedlab {

using NodeState = KubernetesExecutor::Node::State;

std::vector<WorkerHost> nodeHostsOf(const KubernetesConfig& kubernetes) {
  std::vector<WorkerHost> hosts;
  for (const auto& p : kubernetes.nodePools)
    for (int n = 0; n < p.maxNodes; ++n) hosts.push_back({p.name + "-" + std::to_string(n + 1), p.cores});
  return hosts;
}

KubernetesExecutor::KubernetesExecutor(SimContext& ctx, int firstHost, bool jobHeartbeats)
    : ctx_(ctx),
      cfg_(ctx.scenario.executor.kubernetes),
      jobHeartbeats_(jobHeartbeats),
      hosts_(nodeHostsOf(cfg_)),
      runner_(ctx),
      schedulers_(static_cast<size_t>(ctx.state.schedulerCount()), PerScheduler{}),
      billedAtWarmup_(cfg_.nodePools.size(), 0),
      billedAtSample_(cfg_.nodePools.size(), 0) {
  int host = firstHost;
  for (const NodePoolConfig& c : cfg_.nodePools) {
    NodePool p;
    p.config = &c;
    p.nodes.resize(static_cast<size_t>(c.maxNodes));
    for (Node& n : p.nodes) n.host = host++;
    // The pool's first `nodes` are up from the start, their image pulled before.
    for (int n = 0; n < c.nodes; ++n) {
      Node& node = p.nodes[static_cast<size_t>(n)];
      node.state = NodeState::Up;
      node.launchedAt = 0;
      node.life = 1;
      node.imageReadyAt = 0;
    }
    p.peakOn = c.nodes;
    p.cpuAt.assign(p.nodes.size(), 0);
    pools_.push_back(std::move(p));
  }
}

void KubernetesExecutor::start() {
  ctx_.rt.spawn("cluster-autoscaler", [this] { clusterAutoscalerLoop(); });
  if (std::isfinite(ctx_.scenario.scheduler.taskQueuedTimeout))
    ctx_.rt.spawn("stuck-in-queued", [this] { stuckInQueuedLoop(); });
  // The pods run `airflow tasks run` as Celery's workers do: LocalTaskJob heartbeats (not airflow3's).
  if (jobHeartbeats_ && ctx_.scenario.scheduler.model != SchedulerModel::Airflow3)
    ctx_.rt.spawn("job-heartbeats", [this] { runJobHeartbeats(ctx_); });
}

int KubernetesExecutor::send(SchedulerId scheduler, const std::vector<TiId>& tis, double /*now*/,
                             LoopRecord* /*loop*/) {
  WorkflowState& st = ctx_.state;
  PerScheduler& me = schedulers_[scheduler];
  // execute_async: each queued task instance joins the task queue.
  for (TiId ti : tis) me.taskQueue.push_back(ti);
  // sync(): the watcher's results, a succeeded pod deleted (delete_worker_pods; a failed one is left).
  while (!me.watched.empty() && me.watched.front().first <= ctx_.now()) {
    const bool succeeded = me.watched.front().second;
    me.watched.pop_front();
    if (succeeded && cfg_.deleteWorkerPods) ctx_.rt.sleepFor(cfg_.apiLatency);
    me.events++;
  }
  // Then at most worker_pods_creation_batch_size pods, one create_namespaced_pod call each.
  auto queuedHere = [&](TiId ti) {
    return st.tiState(ti) == TiState::Queued && !st.ti(ti).sent && st.ti(ti).queuedBy == scheduler;
  };
  for (int created = 0; created < cfg_.workerPodsCreationBatchSize && !me.taskQueue.empty();) {
    const TiId ti = me.taskQueue.front();
    me.taskQueue.pop_front();
    if (!queuedHere(ti)) continue;  // reset or revoked while it waited: nothing to create
    ++created;
    ctx_.rt.sleepFor(cfg_.apiLatency);
    if (!queuedHere(ti)) continue;
    auto pod = std::make_shared<Pod>();
    const TaskDef& td = st.taskDef(ti);
    pod->ti = ti;
    pod->queuedAt = st.ti(ti).queued;
    pod->createdAt = ctx_.now();
    pod->cpu = td.cpuRequest;
    pod->memory = td.memoryRequest;
    pod->bound = ctx_.rt.semaphore(0);
    pod->stop = ctx_.rt.semaphore(0);
    st.ti(ti).sent = true;  // a pod exists: another scheduler adopts it rather than resetting it
    podOf_[ti] = pod;
    pending_.push_back(pod);
    peakPending_ = std::max(peakPending_, static_cast<int>(pending_.size()));
    ctx_.rt.spawn("pod", [this, pod] { runPod(pod); });
    bindPending();
  }
  return 0;
}

int KubernetesExecutor::takeEvents(SchedulerId scheduler) {
  const int n = schedulers_[scheduler].events;
  schedulers_[scheduler].events = 0;
  return n;
}

bool KubernetesExecutor::fits(const NodePool& pool, const Node& node, const Pod& pod) const {
  return node.state == NodeState::Up && pool.config->cores - node.cpuUsed >= pod.cpu - 1e-9 &&
         pool.config->memory - node.memoryUsed >= pod.memory - 1e-3;
}

void KubernetesExecutor::bindPending() {
  // In one step: a release may let other actors run, and they change the pending queue.
  ctx_.rt.atomically([this] { bindPendingNow(); });
}

void KubernetesExecutor::bindPendingNow() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    Pod& pod = **it;
    const std::string& queue = ctx_.state.taskDef(pod.ti).queue;
    int bestPool = -1, bestNode = -1;
    double bestScore = -INFINITY;
    for (size_t p = 0; p < pools_.size(); ++p) {
      const NodePool& pool = pools_[p];
      if (!pool.config->serves(queue)) continue;
      for (size_t n = 0; n < pool.nodes.size(); ++n) {
        const Node& node = pool.nodes[n];
        if (!fits(pool, node, pod)) continue;
        // LeastAllocated: the most free share of CPU and memory once the pod is on it.
        const double score = (pool.config->cores - node.cpuUsed - pod.cpu) / pool.config->cores +
                             (pool.config->memory - node.memoryUsed - pod.memory) / pool.config->memory;
        if (score > bestScore) {
          bestScore = score;
          bestPool = static_cast<int>(p);
          bestNode = static_cast<int>(n);
        }
      }
    }
    if (bestPool < 0) {
      ++it;
      continue;
    }
    NodePool& pool = pools_[static_cast<size_t>(bestPool)];
    Node& node = pool.nodes[static_cast<size_t>(bestNode)];
    node.cpuUsed += pod.cpu;
    node.memoryUsed += pod.memory;
    node.pods.push_back(*it);
    node.unneededSince = -1;
    pod.pool = bestPool;
    pod.node = bestNode;
    pod.boundAt = ctx_.now();
    pool.podsRun++;
    pod.bound->release();
    it = pending_.erase(it);
  }
}

void KubernetesExecutor::unbind(Pod& pod) {
  if (pod.node < 0) return;
  Node& node = pools_[static_cast<size_t>(pod.pool)].nodes[static_cast<size_t>(pod.node)];
  node.cpuUsed = std::max(0.0, node.cpuUsed - pod.cpu);
  node.memoryUsed = std::max(0.0, node.memoryUsed - pod.memory);
  node.pods.erase(std::find_if(node.pods.begin(), node.pods.end(), [&](const PodPtr& p) { return p.get() == &pod; }));
  pod.node = -1;
}

// The pod's side of its try: its node's cores, its kill.
class KubernetesExecutor::Slot final : public TrySlot {
 public:
  Slot(KubernetesExecutor& e, PodPtr pod, int host) : e_(e), pod_(std::move(pod)), host_(host) {}
  int host() const override { return host_; }
  bool pause(double seconds) override { return pod_->pause(seconds); }
  bool compute(double coreSeconds) override { return pod_->compute(e_.ctx_.rt, host_, coreSeconds); }
  WorkPtr startCompute(double coreSeconds) override { return pod_->startCompute(e_.ctx_.rt, host_, coreSeconds); }
  Runtime::WaitResult waitCompute(const WorkPtr& work, double deadline) override {
    return pod_->waitCompute(e_.ctx_.rt, work, deadline);
  }
  bool killed() const override { return pod_->killed; }
  void started() override { pod_->started = true; }
  void finishing() override { pod_->finishing = true; }
  // The pod's end reaches the scheduler through the watcher (runPod queues it).
  void ended(SchedulerId scheduler) override { endedFor = scheduler; }
  void endLost(TiId ti, int tryNumber, double lastBeat) override {
    // The task process exits with the TI still running and its job no longer heartbeating.
    KubernetesExecutor& e = e_;
    failZombieWhenDue(e.ctx_, ti, tryNumber, lastBeat, [&e](SchedulerId by) { e.schedulers_[by].events++; });
  }
  SchedulerId endedFor;  // the scheduler told of its end, if any

 private:
  KubernetesExecutor& e_;
  PodPtr pod_;
  int host_;
};

void KubernetesExecutor::runPod(const PodPtr& pod) {
  pod->bound->acquire();
  if (pod->killed) return;  // revoked while pending
  NodePool& pool = pools_[static_cast<size_t>(pod->pool)];
  Node& node = pool.nodes[static_cast<size_t>(pod->node)];
  const NodePoolConfig& pc = *pool.config;
  // The image: a node's first pod pulls it (later ones wait for that pull); afterwards a pod finds
  // it cached with cached_probability (a keyed draw: the same try draws the same in every variant).
  double pull = 0;
  const double now = ctx_.now();
  if (node.imageReadyAt < 0) {
    pull = pc.imagePullTime;
    node.imageReadyAt = now + pull;
  } else if (node.imageReadyAt > now) {
    pull = node.imageReadyAt - now;
  } else if (ctx_.state.tiState(pod->ti) == TiState::Queued) {  // else a stale pod: its try will not run
    WorkflowState& st = ctx_.state;
    const TaskInstance& ti = st.ti(pod->ti);
    Rng rng = keyedRng(ctx_.seed() ^ hashString("pod image"), hashString(st.dag(st.dagOf(pod->ti)).id),
                       static_cast<uint64_t>(st.run(ti.run).ordinal), static_cast<uint64_t>(ti.task),
                       static_cast<uint64_t>(ti.tryNumber));
    if (rng.uniform() >= pc.imageCachedProbability) pull = pc.imagePullTime;
  }
  Slot slot(*this, pod, node.host);
  if (pull > 0 && !slot.pause(pull)) return;  // killed: whoever killed it reports it
  if (!slot.pause(cfg_.containerStart + cfg_.taskStartOverhead)) return;
  if (ctx_.now() >= ctx_.scenario.run.warmup) {
    start_.push_back(ctx_.now() - pod->queuedAt);
    api_.push_back(pod->createdAt - pod->queuedAt);
    pendingS_.push_back(pod->boundAt - pod->createdAt);
    pull_.push_back(pull);
    container_.push_back(ctx_.now() - pod->boundAt - pull);
  }
  const TiId ti = pod->ti;
  const TaskRunner::Outcome outcome = runner_.run(ti, slot);
  if (outcome == TaskRunner::Outcome::Killed) return;  // evicted or revoked: reported by its killer
  pod->killed = true;                                  // it exited: nothing may kill it again
  unbind(*pod);
  if (auto it = podOf_.find(ti); it != podOf_.end() && it->second == pod) podOf_.erase(it);
  if (slot.endedFor.valid()) {
    const bool succeeded = ctx_.state.tiState(ti) == TiState::Success;
    schedulers_[slot.endedFor].watched.push_back({ctx_.now() + cfg_.watcherLatency, succeeded});
  }
  bindPending();
}

void KubernetesExecutor::reportKilled(const PodPtr& pod) {
  // The watcher sees the pod fail; the scheduler hears the executor report the try failed while it
  // is queued or running, and fails it (handle_failure: retried while it has retries).
  const TiState now = ctx_.state.tiState(pod->ti);
  if (now != TiState::Queued && now != TiState::Running) return;  // a stale pod: nothing to report
  const int tryNumber = ctx_.state.ti(pod->ti).tryNumber;
  ctx_.rt.spawn("pod-killed", [this, ti = pod->ti, tryNumber] {
    ctx_.rt.sleepFor(cfg_.watcherLatency);
    WorkflowState& st = ctx_.state;
    const TiState state = st.tiState(ti);
    if (state != TiState::Queued && state != TiState::Running) return;
    if (st.ti(ti).tryNumber != tryNumber) return;  // a later try runs
    const SchedulerId by = st.ti(ti).queuedBy;
    if (state == TiState::Queued) st.markRunning(ti, ctx_.now(), -1, false);
    st.markFinished(ti, ctx_.now(), false);
    schedulers_[by].events++;
  });
}

}  // namespace schedlab
