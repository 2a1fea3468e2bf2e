// The cncf.kubernetes provider's KubernetesExecutor: a pod per try. At each executor heartbeat of a
// scheduler (its loop) the queued task instances join that scheduler's task queue; sync() then
// deletes the pods its watcher saw succeed (a Kubernetes API call each, in the scheduler's loop:
// delete_worker_pods) and creates at most worker_pods_creation_batch_size pods (one call each).
// A pod waits, Pending, for a node of a node pool serving its queue with room for its requests
// (bound FIFO, to the least allocated node, as kube-scheduler's default scoring does), pulls its
// image unless the node has it, starts its container and interpreter, then runs the try through
// the shared TaskRunner on the node's cores. Its end reaches the scheduler watcher_latency later.
//
// The cluster autoscaler (every scan_interval) boots nodes for unschedulable pods, in the first
// node pool that fits them, and removes a node unneeded for scale_down_unneeded_time: below
// scale_down_utilization_threshold and, unless the pool's pods are safe to evict, running no pod
// (Airflow's pods have no controller). An evicted pod is killed and its try failed (retried as
// Airflow's handle_failure does). A try queued longer than task_queued_timeout is revoked: its pod
// deleted, then failed and retried (2.x) or set back to scheduled up to num_stuck_in_queued_retries
// times and then failed (3.x).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "model/Executor.h"
#include "model/SimContext.h"
#include "model/TaskRun.h"

namespace schedlab {

// Every node the node pools may have (max_nodes of each), in order.
std::vector<WorkerHost> nodeHostsOf(const KubernetesConfig& kubernetes);

class KubernetesExecutor final : public Executor {
  // One try's pod, from its creation to its end.
  // `killed`: deleted (revoked, evicted with its node), or exited.
  struct Pod : KillableTry {
    TiId ti;
    double queuedAt = 0, createdAt = 0, boundAt = -1;
    double cpu = 0, memory = 0;  // requests
    int pool = -1, node = -1;    // where it is bound; -1: nowhere (pending, or gone)
    SemaphorePtr bound;          // released once: bound, or killed while pending
  };
  using PodPtr = std::shared_ptr<Pod>;

 public:
  // Its nodes are the runtime's hosts from `firstHost` on (after another executor's); with
  // `jobHeartbeats` it sends its tries' LocalTaskJob heartbeats (another executor may send them for all).
  explicit KubernetesExecutor(SimContext& ctx, int firstHost = 0, bool jobHeartbeats = true);
  // The cluster autoscaler and the stuck-in-queued check.
  void start() override;
  // The heartbeat and sync() of `scheduler`'s executor: its API calls block the loop. No SQL.
  int send(SchedulerId scheduler, const std::vector<TiId>& tis, double now, LoopRecord* loop) override;
  int takeEvents(SchedulerId scheduler) override;

  const std::vector<WorkerHost>& hosts() const override { return hosts_; }
  // Task instances waiting for their pod, and pods waiting for a node.
  size_t queueDepth() const override;
  // Nodes running at least one pod.
  int busyWorkers() const override;
  void markWarmup(double now) override;
  void sample(double now, RunResult& out) override;
  void contribute(double end, RunResult& out) const override;

  // A node of a node pool, and the pool (for the metrics and the tests).
  struct Node {
    enum class State { Off, Booting, Up } state = State::Off;
    int host = -1;
    int life = 0;
    double launchedAt = -1, billedSeconds = 0;
    double cpuUsed = 0, memoryUsed = 0;  // requests of the pods bound to it
    std::vector<PodPtr> pods;            // bound to it, not ended
    double imageReadyAt = -1;            // its first pull's end; < 0: it never pulled
    double unneededSince = -1;           // scale-down candidate since; < 0: not one
    double cpuAtWarmup = 0;              // core-seconds computed by the warm-up's end
  };
  struct NodePool {
    const NodePoolConfig* config;
    std::vector<Node> nodes;  // max_nodes of them
    long long podsRun = 0, killedByScaleDown = 0, scaleUp = 0, scaleDown = 0;
    int peakOn = 0;
    std::vector<double> cpuAt;  // per node: computed core-seconds at the last sample
  };
  const std::vector<NodePool>& nodePools() const { return pools_; }

 private:
  class Slot;
  // The scheduler-side executor of one scheduler: its task queue, the ends its watcher saw.
  struct PerScheduler {
    std::deque<TiId> taskQueue;
    std::deque<std::pair<double, bool>> watched;  // each ended pod: when the watcher has it, succeeded
    int events = 0;
  };

  // kube-scheduler: binds pending pods, oldest first, where they fit.
  void bindPending();
  void bindPendingNow();
  // The pod's life from creation: bound, image, container, the try, its end.
  void runPod(const PodPtr& pod);
  // Frees the pod's room on its node.
  void unbind(Pod& pod);
  void clusterAutoscalerLoop();
  void scaleUp(double now);
  void scaleDown(double now);
  // The node's pods fit on the other up nodes' free room (eviction moves them, as its simulation checks).
  bool podsFitElsewhere(int pool, int node) const;
  void launch(int pool, int node);
  void removeNode(int pool, int node);
  // The try of a killed pod ends failed (handle_failure) once the watcher reports it.
  void reportKilled(const PodPtr& pod);
  void stuckInQueuedLoop();
  // Revokes a stuck try (its pod deleted) and fails or requeues it.
  void revoke(TiId ti, const PodPtr& pod);
  double billedSeconds(const NodePool& pool, double now) const;
  static int nodesOn(const NodePool& pool);
  static int nodesUp(const NodePool& pool);
  int pendingFor(const NodePool& pool) const;
  static int podsOn(const NodePool& pool);
  bool fits(const NodePool& pool, const Node& node, const Pod& pod) const;

  SimContext& ctx_;
  const KubernetesConfig& cfg_;
  const bool jobHeartbeats_;
  std::vector<WorkerHost> hosts_;
  TaskRunner runner_;
  std::vector<NodePool> pools_;
  IdTable<SchedulerId, PerScheduler> schedulers_;
  std::deque<PodPtr> pending_;                 // created, not bound, oldest first
  std::map<TiId, PodPtr> podOf_;               // pods not ended, by task instance
  std::map<std::pair<TiId, int>, int> stuck_;  // 3.x: times a try was requeued as stuck
  double lastScaleUp_ = -1e300;
  long long stuckInQueued_ = 0;
  int peakPending_ = 0;
  // Pod start and its parts, after the warm-up.
  std::vector<double> start_, api_, pendingS_, pull_, container_;
  std::vector<ScalingRow> scaling_;
  std::vector<double> billedAtWarmup_, billedAtSample_;
};

}  // namespace schedlab
