// Autoscaling policies, shutdowns and the recovery of killed tries, checked on real runs: the
// scaling log (scaling.csv), the pool time series and task_instances.csv.
#include <gtest/gtest.h>

#include <cmath>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// An hourly batch of mostly-waiting tries on an autoscaled pool, as in agari-autoscaling.yaml.
std::string batchScenario(const std::string& autoscaler, const std::string& extra = "",
                          const std::string& visibility = "10m") {
  return R"(
run: {horizon: 8h, warmup: 1h, seed: 4, sample_interval: 1m}
scheduler: {model: airflow2, parallelism: 256, max_active_tasks_per_dag: 256, default_pool_slots: 256}
executor:
  visibility_timeout: )" +
         visibility + "\n" + extra + R"(
  pools:
    - {name: control, queues: [default], workers: 1, worker_concurrency: 8}
    - name: consumers
      queues: [import]
      cores: 2
      worker_concurrency: 4
      workers: 1
      min_workers: 1
      max_workers: 10
      boot_time: 2m
      autoscaler: )" +
         autoscaler + R"(
dags:
  - name: batch
    schedule: 1h
    task_defaults: {retries: 3, retry_delay: 1m}
    tasks:
      - {shape: layered, prefix: import, width: 80, depth: 1, queue: import, cpu: 0.5,
         duration: {lognormal: {median: 2m, sigma: 0.5}}}
      - {id: done, duration: 5s}
)";
}

struct ScalingRow {
  double time;
  std::string pool, action;
  int before, after, visible, inFlight;
  double cpu;
};

std::vector<ScalingRow> scalingRows(const std::string& csv) {
  std::vector<ScalingRow> rows;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    rows.push_back({std::stod(f[1]), f[2], f[3], std::stoi(f[4]), std::stoi(f[5]), std::stoi(f[6]), std::stoi(f[7]),
                    std::stod(f[8])});
  }
  return rows;
}

long long count(const std::vector<TiRow>& rows, const std::string& state) {
  return std::count_if(rows.begin(), rows.end(), [&](const TiRow& r) { return r.state == state; });
}

}  // namespace

TEST(Autoscaling, QueueDepthNeverScalesInWhileAMessageIsInFlight) {
  auto out = simulate(load(batchScenario("{policy: queue_depth, step: 3, shutdown: hard}"))[0]);
  auto rows = scalingRows(scalingRows(out));
  int in = 0, outs = 0;
  for (const auto& r : rows) {
    if (r.action == "in") {
      ++in;
      EXPECT_EQ(r.inFlight, 0) << "scale-in at " << r.time;
      EXPECT_EQ(r.visible, 0) << "scale-in at " << r.time;
      EXPECT_EQ(r.after, 1);
    } else {
      ++outs;
      EXPECT_GT(r.visible, 0);
      EXPECT_LE(r.after - r.before, 3);
    }
  }
  EXPECT_GE(in, 5);
  EXPECT_GE(outs, 5);
  EXPECT_EQ(out.metrics["tasks_killed_by_scale_in"], 0);
}

TEST(Autoscaling, KedaWantsQueuedPlusRunningOverConcurrency) {
  auto out = simulate(load(batchScenario("{policy: keda}"))[0]);
  auto rows = scalingRows(scalingRows(out));
  ASSERT_GE(rows.size(), 6u);
  for (const auto& r : rows) {
    int want = (r.visible + r.inFlight + 3) / 4;
    EXPECT_EQ(r.after, std::clamp(want, 1, 10)) << "at " << r.time;
  }
}

TEST(Autoscaling, KedaAsksTheMetadataDbEveryPollingInterval) {
  // The chart's workers.keda.query once a period (KEDA's pollingInterval, 30 s by default), and no
  // other policy sends it.
  auto keda = simulate(load(batchScenario("{policy: keda}"))[0]);
  const auto& types = keda.metrics["db_queries_by_type"];
  ASSERT_TRUE(types.contains("keda_count"));
  // Counted after the 1 h warm-up: 7 h of polls.
  EXPECT_NEAR(types["keda_count"]["count"].get<double>(), 7 * 3600 / 30, 1);
  auto slower = simulate(load(batchScenario("{policy: keda, period: 2m}"))[0]);
  EXPECT_NEAR(slower.metrics["db_queries_by_type"]["keda_count"]["count"].get<double>(), 7 * 30, 1);
  EXPECT_GT(types["keda_count"]["db_seconds"].get<double>(), 0);
  auto queue = simulate(load(batchScenario("{policy: queue_depth}"))[0]);
  EXPECT_FALSE(queue.metrics["db_queries_by_type"].contains("keda_count"));
}

TEST(Autoscaling, GracefulShutdownKillsNoTask) {
  auto out = simulate(load(batchScenario("{policy: cpu_target, target: 0.6, shutdown: graceful}"))[0]);
  const auto& m = out.metrics;
  EXPECT_GE(m["scale_events"]["in"].get<long long>(), 5);
  EXPECT_EQ(m["tasks_killed_by_scale_in"], 0);
  auto rows = parseTis(tisCsv(out));
  EXPECT_EQ(count(rows, "killed"), 0);
  EXPECT_EQ(m["tasks_failed"], 0);
  EXPECT_EQ(m["tasks_lost"], 0);
}

TEST(Autoscaling, HardShutdownKillsTriesThatAreRetriedAndCounted) {
  auto s = load(batchScenario("{policy: cpu_target, target: 0.6, shutdown: hard}"))[0];
  auto out = simulate(s);
  const auto& m = out.metrics;
  const long long killed = m["tasks_killed_by_scale_in"], zombies = m["zombies_killed"],
                  redelivered = m["tasks_redelivered"];
  EXPECT_GT(killed, 5);
  // Each killed try comes back, by its message or as a zombie (the last ones may still wait).
  EXPECT_LE(zombies + redelivered, killed);
  EXPECT_GE(zombies + redelivered, killed - 10);
  auto rows = parseTis(tisCsv(out));
  // A killed try's row ("killed") is written when its message runs the task again.
  EXPECT_LE(count(rows, "killed"), redelivered);
  EXPECT_GE(count(rows, "up_for_retry"), zombies);
  EXPECT_EQ(m["tasks_failed"], 0);
  EXPECT_EQ(m["tasks_lost"], 0);
  // The same load with a graceful shutdown finishes its batches sooner.
  auto graceful = simulate(load(batchScenario("{policy: cpu_target, target: 0.6, shutdown: graceful}"))[0]);
  EXPECT_GT(m["dagrun_duration_s"]["mean"].get<double>(), graceful.metrics["dagrun_duration_s"]["mean"].get<double>());
}

TEST(Autoscaling, AKilledTryComesBackByWhicheverIsFirstMessageOrZombie) {
  // A visibility timeout shorter than zombie detection: killed tries come back as messages.
  auto quick = simulate(load(batchScenario("{policy: cpu_target, target: 0.6, shutdown: hard}", "", "30s"))[0]);
  const auto& q = quick.metrics;
  EXPECT_GT(q["tasks_redelivered"].get<long long>(), 0);
  EXPECT_EQ(q["zombies_killed"], 0);
  // Without late acknowledgement the message is gone: only zombie detection brings them back.
  auto noAck =
      simulate(load(batchScenario("{policy: cpu_target, target: 0.6, shutdown: hard}", "  acks_late: false\n"))[0]);
  const auto& n = noAck.metrics;
  EXPECT_EQ(n["tasks_redelivered"], 0);
  EXPECT_GT(n["zombies_killed"].get<long long>(), 0);
  EXPECT_EQ(n["tasks_lost"], 0);
}

TEST(Autoscaling, NewWorkersBootBeforeTakingTasksAndAreBilledFromLaunch) {
  auto s = load(batchScenario("{policy: keda}"))[0];
  auto out = simulate(s);
  // pool_timeseries.csv: variant,time_s,pool,workers,workers_up,queue_depth,in_flight,cpu
  std::istringstream in(poolRows(out));
  std::string line;
  bool booting = false;
  double workerMinutes = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    if (f[2] != "consumers") continue;
    const int on = std::stoi(f[3]), up = std::stoi(f[4]);
    EXPECT_LE(up, on);
    booting |= up < on;
    workerMinutes += on;  // one sample a minute
  }
  EXPECT_TRUE(booting);
  // Billed hours match the sampled worker count to the sampling's precision.
  EXPECT_NEAR(out.metrics["worker_hours_by_pool"]["consumers"].get<double>(), workerMinutes / 60,
              0.05 * workerMinutes / 60);
}

TEST(Autoscaling, FixedPoolWithExponentialTasksMatchesMMc) {
  // Poisson arrivals (120/h) of one exponential 60 s task each, c = 3 single-slot workers: an
  // M/M/3 queue with a = 2 Erlangs. Mean wait in queue: Wq = C(c, a) / (c mu - lambda).
  auto s = load(R"(
run: {horizon: 4d, warmup: 2h, seed: 9, task_instances_csv: false}
scheduler: {parallelism: 100000, max_active_tasks_per_dag: 100000, max_active_runs_per_dag: 100000, default_pool_slots: 100000}
executor:
  broker_latency: 0s
  pools:
    - {name: servers, workers: 3, worker_concurrency: 1, task_start_overhead: 0s, autoscaler: {policy: fixed}}
triggers:
  - {name: jobs, kind: poisson, rate: 120/h, dag: job}
dags:
  - name: job
    max_active_runs: 100000
    max_active_tasks: 100000
    tasks:
      - {id: work, duration: {exponential: 60s}}
)")[0];
  auto out = simulate(s);
  const double lambda = 120.0 / 3600, mu = 1.0 / 60, a = lambda / mu;
  const int c = 3;
  double sum = 0, term = 1;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const double last = term * a / c, top = last / (1 - a / c), erlangC = top / (sum + top);
  const double wq = erlangC / (c * mu - lambda);
  const double measured = out.metrics["queued_duration_s"]["mean"];
  EXPECT_NEAR(measured, wq, 0.1 * wq) << "Erlang C Wq " << wq << " s";
  EXPECT_EQ(out.metrics["scale_events"]["out"], 0);
}

TEST(Autoscaling, NothingStartsDuringABrokerOutage) {
  auto s = load(batchScenario("{policy: keda}", "  broker_outage: {at: 185m, duration: 20m}\n"))[0];
  auto out = simulate(s);
  const double from = 3 * 3600 + 300, to = from + 1200;
  int after = 0;
  for (const auto& r : parseTis(tisCsv(out))) {
    if (r.started < 0) continue;
    EXPECT_FALSE(r.started > from + 1 && r.started < to) << r.task << " started at " << r.started;
    after += r.started >= to && r.started < to + 600;
  }
  EXPECT_GT(after, 10);  // the backlog starts once the broker is back
  EXPECT_EQ(out.metrics["tasks_lost"], 0);
}

TEST(Autoscaling, ADeployReplacesEveryWorkerGracefullyOrKillingItsTries) {
  // The deploy lands in the middle of the third batch (batches start on the hour).
  auto graceful = simulate(load(batchScenario("{policy: keda}", "  deploy: {at: [185m], shutdown: graceful}\n"))[0]);
  auto hard = simulate(load(batchScenario("{policy: keda}", "  deploy: {at: [185m], shutdown: hard}\n"))[0]);
  const auto& g = graceful.metrics;
  const auto& h = hard.metrics;
  EXPECT_EQ(g["tasks_killed_by_deploy"], 0);
  EXPECT_GT(h["tasks_killed_by_deploy"].get<long long>(), 3);
  EXPECT_EQ(h["tasks_killed_by_scale_in"], 0);
  for (const auto* m : {&g, &h}) {
    EXPECT_EQ((*m)["tasks_lost"], 0);
    EXPECT_EQ((*m)["tasks_failed"], 0);
  }
  // Every worker of both pools was replaced: the control pool's one worker too.
  EXPECT_GE(graceful.metricsByPool["control"]["workers_launched"].get<long long>(), 1);
  EXPECT_GE(graceful.metricsByPool["control"]["workers_terminated"].get<long long>(), 1);
  EXPECT_GE(graceful.metricsByPool["consumers"]["workers_launched"].get<long long>(), 2);
}
