// The kubernetes executor alone on a manual clock: pods created per loop, bound, pulled, started;
// a node booted for a pod that fits nowhere.
#include <gtest/gtest.h>

#include "model/KubernetesExecutor.h"
#include "results/MetricSchema.h"
#include "support/FakeWorld.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// One node up (its image there), pods of 1 core on 2-core nodes, a 50 ms API, 2 s + 5 s to start.
std::string cluster(const std::string& pool, const std::string& extra = "") {
  return R"(
run: {horizon: 2h}
executor:
  kind: kubernetes
  api_latency: 50ms
  container_start: 2s
  task_start_overhead: 5s
)" + extra +
         R"(
  node_pools:
    - {name: general, cores: 2, memory: 8GiB, boot_time: 90s, image_pull: {cached_probability: 1, pull_time: 20s}, )" +
         pool + R"(}
dags:
  - name: etl
    schedule: 10m
    task_defaults: {resources: {cpu: 1, memory: 2GiB}}
    tasks: [{shape: fan_out_in, width: 3, duration: 1m}]
)";
}

// The executor started, the clock at 600 s, the first run's head queued and then its three
// parallel tasks (the head marked done), returned.
std::vector<TiId> queueParallel(FakeWorld& w) {
  w.executor.start();
  const RunId r = w.startDueRun(DagId(0), 600);
  w.rt.runUntil(600);
  const std::vector<TiId> head = w.queueReady(r, 600);
  w.state.markRunning(head[0], 600);
  w.state.markFinished(head[0], 600, true);
  return w.queueReady(r, 600);
}

TEST(KubernetesExecutor, CreatesAtMostTheBatchSizeOfPodsPerLoopEachAnApiCallOfTheLoop) {
  FakeWorld w(load(cluster("nodes: 1, min_nodes: 1, max_nodes: 2"))[0]);
  WorkflowState& st = w.state;
  const std::vector<TiId> tis = queueParallel(w);
  ASSERT_EQ(tis.size(), 3u);
  double returnedAt = -1;
  w.rt.spawn("scheduler", [&] {
    EXPECT_EQ(w.executor.send(SchedulerId(0), tis, 600, nullptr), 0);  // no SQL
    returnedAt = w.rt.now();
  });
  w.rt.runUntil(600.01);
  EXPECT_EQ(w.executor.queueDepth(), 2u);  // in the task queue; the first one's create call under way
  w.rt.runUntil(600.06);
  EXPECT_NEAR(returnedAt, 600.05, 1e-9);  // one create_namespaced_pod: the batch size is 1
  EXPECT_TRUE(st.ti(tis[0]).sent);
  EXPECT_FALSE(st.ti(tis[1]).sent);
  EXPECT_EQ(w.executor.queueDepth(), 2u);  // the pod is bound at once: the node has room
  // Its container and interpreter: 7 s after its creation it runs (the image is on the node).
  w.rt.runUntil(607.04);
  EXPECT_EQ(st.tiState(tis[0]), TiState::Queued);
  w.rt.runUntil(607.06);
  EXPECT_EQ(st.tiState(tis[0]), TiState::Running);
  EXPECT_EQ(w.executor.busyWorkers(), 1);
  // The next loop creates the next pod.
  w.rt.spawn("scheduler", [&] { w.executor.send(SchedulerId(0), {}, w.rt.now(), nullptr); });
  w.rt.runUntil(608);
  EXPECT_TRUE(st.ti(tis[1]).sent);
  EXPECT_FALSE(st.ti(tis[2]).sent);
}

TEST(KubernetesExecutor, APodThatFitsNowhereWaitsForTheNodeTheAutoscalerBoots) {
  FakeWorld w(load(cluster("nodes: 0, min_nodes: 0, max_nodes: 1"))[0]);
  WorkflowState& st = w.state;
  const std::vector<TiId> tis = queueParallel(w);
  w.rt.spawn("scheduler", [&] { w.executor.send(SchedulerId(0), {tis[0]}, 600, nullptr); });
  // Created at 600.05, pending; the scan at 610 s launches a node, up 90 s later: bound at 700 s,
  // the node's first pull (20 s), then 7 s to start: running at 727 s.
  w.rt.runUntil(726.9);
  EXPECT_EQ(st.tiState(tis[0]), TiState::Queued);
  w.rt.runUntil(727.1);
  EXPECT_EQ(st.tiState(tis[0]), TiState::Running);
  RunResult out;
  w.executor.contribute(w.rt.now(), out);
  const auto& m = out.metrics;
  EXPECT_NEAR(m[metric::kPodStartLatency.name()]["max"].get<double>(), 127, 1e-6);
  EXPECT_NEAR(m[metric::kPodApi.name()]["max"].get<double>(), 0.05, 1e-6);
  EXPECT_NEAR(m[metric::kPodPending.name()]["max"].get<double>(), 99.95, 1e-6);
  EXPECT_NEAR(m[metric::kPodImagePull.name()]["max"].get<double>(), 20, 1e-6);
  EXPECT_NEAR(m[metric::kPodContainerStart.name()]["max"].get<double>(), 7, 1e-6);
  EXPECT_EQ(m[metric::kPodsPending.name()]["max"].get<int>(), 1);
  EXPECT_EQ(out.scaling.size(), 1u);
}

}  // namespace
