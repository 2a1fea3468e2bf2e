// Airflow's scheduling rules, checked on the task_instances.csv rows of real simulation runs,
// for both scheduler models.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

std::string limitsScenario(const std::string& model) {
  return R"(
run: {horizon: 4h, seed: 3}
scheduler: {model: )" +
         model + R"(, parallelism: 6, pools: {small: 2}}
executor: {workers: 2, worker_concurrency: 4}
dags:
  - name: etl
    count: 3
    schedule: 5m
    max_active_runs: 2
    tasks:
      - {shape: layered, width: 3, depth: 3, duration: {exponential: 40s}}
      - {id: flaky, retries: 2, retry_delay: 30s, failure_probability: 0.5, duration: 5s}
      - {id: pooled, pool: small, duration: 60s}
)";
}

class SchedulerSemantics : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    scenario_ = load(limitsScenario(GetParam()))[0];
    out_ = simulate(scenario_);
    rows_ = parseTis(tisCsv(out_));
    ASSERT_GT(rows_.size(), 100u);
  }
  double endOf(const TiRow& r) const { return r.ended < 0 ? scenario_.run.horizon : r.ended; }
  Scenario scenario_;
  RunResult out_;
  std::vector<TiRow> rows_;
};

TEST_P(SchedulerSemantics, NoTaskStartsBeforeItsUpstreamsSucceed) {
  const DagDef& dag = scenario_.dags[0];
  // The final row of each (run, task): success rows carry the end time downstreams wait for.
  std::map<std::tuple<std::string, std::string, std::string>, const TiRow*> success;
  for (auto& r : rows_)
    if (r.state == "success") success[{r.dag, r.run, r.task}] = &r;
  int checked = 0;
  for (auto& r : rows_) {
    if (r.started < 0) continue;
    auto task = std::find_if(dag.tasks.begin(), dag.tasks.end(), [&](auto& t) { return t.id == r.task; });
    ASSERT_NE(task, dag.tasks.end());
    for (int u : task->upstream) {
      auto it = success.find({r.dag, r.run, dag.tasks[u].id});
      ASSERT_NE(it, success.end()) << r.task << " of " << r.run << " started without upstream " << dag.tasks[u].id;
      EXPECT_LE(it->second->ended, r.started);
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_P(SchedulerSemantics, MaxActiveRunsIsNeverExceeded) {
  std::map<std::string, std::map<std::string, std::pair<double, double>>> runs;  // dag -> run -> span
  for (auto& r : rows_) {
    auto& span = runs[r.dag].try_emplace(r.run, r.created, endOf(r)).first->second;
    span.first = std::min(span.first, r.created);
    span.second = std::max(span.second, endOf(r));
  }
  ASSERT_EQ(runs.size(), 3u);
  for (auto& [dag, spans] : runs) {
    std::vector<std::pair<double, double>> intervals;
    for (auto& [run, span] : spans) intervals.push_back(span);
    EXPECT_LE(maxOverlap(intervals), 2) << dag;
    EXPECT_EQ(maxOverlap(intervals), 2) << dag << ": the limit should bind in this scenario";
  }
}

TEST_P(SchedulerSemantics, ParallelismAndPoolSlotsAreNeverExceeded) {
  std::vector<std::pair<double, double>> all, pooled;
  for (auto& r : rows_) {
    if (r.queued < 0) continue;
    all.push_back({r.queued, endOf(r)});
    if (r.task == "pooled") pooled.push_back({r.queued, endOf(r)});
  }
  EXPECT_LE(maxOverlap(all), 6);
  EXPECT_EQ(maxOverlap(all), 6) << "parallelism should bind in this scenario";
  EXPECT_LE(maxOverlap(pooled), 2);
}

TEST_P(SchedulerSemantics, RetriesHappenAsConfigured) {
  std::map<std::pair<std::string, std::string>, std::vector<const TiRow*>> flaky;
  for (auto& r : rows_)
    if (r.task == "flaky" && r.started >= 0) flaky[{r.dag, r.run}].push_back(&r);
  int retried = 0, exhausted = 0;
  for (auto& [key, tries] : flaky) {
    EXPECT_LE(tries.size(), 3u);  // retries: 2 -> at most 3 tries
    for (size_t i = 0; i < tries.size(); ++i) {
      EXPECT_EQ(tries[i]->tryNumber, static_cast<int>(i) + 1);
      if (i > 0) {  // retry_delay
        EXPECT_GE(tries[i]->started, tries[i - 1]->ended + 30);
      }
    }
    if (tries.size() > 1) ++retried;
    if (tries.back()->state == "failed") {
      EXPECT_EQ(tries.size(), 3u);
      ++exhausted;
    }
  }
  EXPECT_GT(retried, 5);
  EXPECT_GT(exhausted, 0);
  EXPECT_EQ(out_.metrics["tasks_lost"], 0);
}

INSTANTIATE_TEST_SUITE_P(Models, SchedulerSemantics, ::testing::Values("airflow1", "airflow2"));

// One worker slot, a sensor waiting an hour for an arrival that never comes, and another DAG's
// 10-second task due at the same time.
std::string oneSlotWithASensor(const std::string& sensorFields) {
  return R"(
run: {horizon: 2h}
executor: {workers: 1, worker_concurrency: 1}
triggers: [{name: never, rate: 0/h}]
dags:
  - name: waiter
    schedule: 1d
    start_date: -1d
    catchup: false
    tasks: [{id: wait, kind: sensor, waits_for: never, timeout: 1h, )" +
         sensorFields + R"(}]
  - name: other
    schedule: 1d
    start_date: -1d
    catchup: false
    tasks: [{id: work, duration: 10s}]
)";
}
}  // namespace

TEST(SensorsAndTriggers, PokeSensorHoldsItsWorkerSlot) {
  // One worker slot: a poke sensor waiting for an arrival that never comes keeps it until timeout.
  auto s = load(oneSlotWithASensor("poke_interval: 30s"))[0];
  auto rows = parseTis(tisCsv(simulate(s)));
  const TiRow *sensor = nullptr, *work = nullptr;
  for (auto& r : rows) {
    if (r.task == "wait") sensor = &r;
    if (r.task == "work") work = &r;
  }
  ASSERT_TRUE(sensor && work);
  EXPECT_EQ(sensor->state, "failed");  // timed out
  EXPECT_NEAR(sensor->ended - sensor->started, 3600, 5);
  EXPECT_GE(work->started, sensor->ended);
}

TEST(SensorsAndTriggers, RescheduleSensorFreesItsSlotBetweenPokes) {
  // The same single slot with a reschedule-mode sensor: it pokes, sets itself up_for_reschedule
  // (a task_reschedule row) and frees the slot, so the other DAG's task runs long before the
  // sensor times out; the sensor's later pokes come a poke interval apart.
  auto s = load(oneSlotWithASensor("mode: reschedule, poke_interval: 5m"))[0];
  auto out = simulate(s);
  auto rows = parseTis(tisCsv(out));
  std::vector<const TiRow*> pokes;
  const TiRow *last = nullptr, *work = nullptr;
  for (auto& r : rows) {
    if (r.task == "wait" && r.state == "up_for_reschedule") pokes.push_back(&r);
    if (r.task == "wait" && r.state == "failed") last = &r;
    if (r.task == "work") work = &r;
  }
  ASSERT_TRUE(last && work);
  EXPECT_LT(work->started, 120);  // not behind the sensor's hour
  // A poke every 5 minutes (plus scheduling) for an hour: 12 that rescheduled, then the first
  // one after the timeout fails it.
  EXPECT_EQ(pokes.size(), 12u);
  for (size_t i = 1; i < pokes.size(); ++i) EXPECT_GE(pokes[i]->started - pokes[i - 1]->started, 300);
  for (auto* p : pokes) EXPECT_EQ(p->tryNumber, 1);  // reschedules are not tries
  EXPECT_GT(last->started - pokes.front()->started, 3600);
  EXPECT_LT(last->started - pokes.front()->started, 3600 + 300);
  EXPECT_EQ(out.metrics["sensor_reschedules"], 12);
  EXPECT_EQ(out.metrics["db_rows"]["task_reschedule"]["end"], 12);

  // An own event 12 minutes after the first poke: found by the poke that follows it.
  auto own = load(R"(
run: {horizon: 1h}
executor: {workers: 1, worker_concurrency: 1}
dags:
  - name: waiter
    schedule: 1d
    start_date: -1d
    catchup: false
    tasks: [{id: wait, kind: sensor, mode: reschedule, duration: 12m, poke_interval: 5m}, {id: next, duration: 1s}]
)")[0];
  auto ownRows = parseTis(tisCsv(simulate(own)));
  const TiRow *first = nullptr, *done = nullptr;
  for (auto& r : ownRows) {
    if (r.task == "wait" && !first) first = &r;
    if (r.task == "wait" && r.state == "success") done = &r;
  }
  ASSERT_TRUE(first && done);
  EXPECT_GE(done->started - first->started, 720);
  EXPECT_LT(done->started - first->started, 900 + 60);
}

TEST(SensorsAndTriggers, TriggerTaskStartsItsDag) {
  auto s = load(R"(
run: {horizon: 3h, seed: 5}
triggers: [{name: signups, rate: 30/h}]
dags:
  - name: trigger
    schedule: 10s
    max_active_runs: 1
    catchup: false
    tasks:
      - {id: wait, kind: sensor, waits_for: signups, poke_interval: 5s}
      - {id: fire, kind: trigger_dagrun, trigger_dag: target, duration: 1s}
  - name: target
    tasks: [{shape: chain, count: 3, duration: 5s}]
)")[0];
  auto out = simulate(s);
  auto rows = parseTis(tisCsv(out));
  std::vector<const TiRow*> fires;
  std::map<std::string, double> targetRuns;  // run -> created
  for (auto& r : rows) {
    if (r.task == "fire" && r.state == "success") fires.push_back(&r);
    if (r.dag == "target") targetRuns[r.run] = r.created;
  }
  ASSERT_GT(fires.size(), 50u);
  EXPECT_EQ(targetRuns.size(), fires.size());
  std::set<const TiRow*> matched;
  for (auto& [run, created] : targetRuns) {
    auto it = std::find_if(fires.begin(), fires.end(), [&](const TiRow* f) {
      return !matched.count(f) && f->started <= created && created <= f->ended;
    });
    ASSERT_NE(it, fires.end()) << "target run " << run << " created at " << created << " by no trigger task";
    matched.insert(*it);
  }
  auto t2d = out.metricsByDag["target"]["trigger_to_done_s"];
  EXPECT_GT(t2d["count"].get<int>(), 50);
  EXPECT_GT(t2d["p50"].get<double>(), 15.0);  // three 5 s tasks at least
  // The arrival's work starts with the target's first task: after the sensor saw it and the
  // trigger task ran (1 s), and more than the three 5 s tasks before the run is done.
  auto t2s = out.metricsByDag["target"]["trigger_to_start_s"];
  // Every run done had started; a few started runs are still going at the horizon.
  EXPECT_GE(t2s["count"].get<int>(), t2d["count"].get<int>());
  EXPECT_LE(t2s["count"].get<int>(), t2d["count"].get<int>() + 3);
  EXPECT_GT(t2s["p50"].get<double>(), 1.0);
  EXPECT_GT(t2d["mean"].get<double>() - t2s["mean"].get<double>(), 15.0);
  EXPECT_TRUE(out.metricsByDag["trigger"]["trigger_to_start_s"]["count"].is_null() ||
              out.metricsByDag["trigger"]["trigger_to_start_s"]["count"] == 0)
      << "a sensor and a hand-off are not the arrival's work";
}

TEST(DependsOnPast, ATaskWaitsForItsPreviousRun) {
  // Runs every minute, tasks take 3 minutes: with depends_on_past the task of run n+1 can start
  // only after the task of run n succeeded, so the tasks never overlap.
  for (std::string model : {"airflow1", "airflow2"}) {
    auto s = load("run: {horizon: 1h}\nscheduler: {model: " + model + R"(}
dags:
  - name: serial
    schedule: 1m
    max_active_runs: 5
    depends_on_past: true
    tasks: [{id: step, duration: 3m}]
)")[0];
    auto rows = parseTis(tisCsv(simulate(s)));
    std::vector<std::pair<double, double>> spans;
    for (auto& r : rows)
      if (r.started >= 0) spans.push_back({r.started, r.ended < 0 ? s.run.horizon : r.ended});
    ASSERT_GT(spans.size(), 10u) << model;
    EXPECT_EQ(maxOverlap(spans), 1) << model;
  }
}

TEST(SlaMisses, TasksAndRunsLateForTheirSlaAreCounted) {
  // Hourly runs of a 10-minute task then a 1-minute one on a single worker slot: the first task
  // ends about 10 min after the run's time, the run about 11 min after.
  const char* yaml = R"(
run: {horizon: 6h, warmup: 0s}
executor: {workers: 1, worker_concurrency: 1}
dags:
  - name: etl
    schedule: 1h
    catchup: false
    sla: %s
    tasks:
      - {id: load, duration: 10m, sla: %s}
      - {id: report, deps: [load], duration: 1m}
)";
  auto run = [&](const char* dagSla, const char* taskSla) {
    char text[1024];
    std::snprintf(text, sizeof text, yaml, dagSla, taskSla);
    return variantJson(simulate(load(text)[0]));
  };
  auto generous = run("1h", "30m");
  EXPECT_EQ(generous["metrics"]["sla_misses"], 0);
  auto tight = run("5m", "5m");  // every run and every load task misses
  const int runs = tight["metrics"]["dagruns_created"].get<int>();
  ASSERT_GE(runs, 5);
  // Runs whose deadline fell within the horizon: all but possibly the last.
  EXPECT_GE(tight["metrics"]["sla_misses"].get<int>(), 2 * (runs - 1));
  EXPECT_LE(tight["metrics"]["sla_misses"].get<int>(), 2 * runs);
  EXPECT_EQ(tight["metrics_by_dag"]["etl"]["sla_misses"], tight["metrics"]["sla_misses"]);
  auto taskOnly = run("2h", "5m");
  EXPECT_GE(taskOnly["metrics"]["sla_misses"].get<int>(), runs - 1);
  EXPECT_LE(taskOnly["metrics"]["sla_misses"].get<int>(), runs);
}

TEST(Cost, PricedHoursBecomeACost) {
  const char* yaml = R"(
run: {horizon: 10h}
executor: {workers: 3, price_per_worker_hour: 0.5}
metadb: {cores: 4%s}
dags: [{name: a, schedule: 1h, tasks: [{id: t, duration: 1m}]}]
)";
  char text[512];
  std::snprintf(text, sizeof text, yaml, "");
  auto workersOnly = simulate(load(text)[0]).metrics;
  EXPECT_DOUBLE_EQ(workersOnly["cost"].get<double>(), 3 * 10 * 0.5);  // 30 worker-hours
  std::snprintf(text, sizeof text, yaml, ", price_per_core_hour: 0.25");
  auto both = simulate(load(text)[0]).metrics;
  EXPECT_DOUBLE_EQ(both["cost"].get<double>(), 15 + 4 * 10 * 0.25);  // + 40 DB core-hours
  auto unpriced = simulate(load("dags: [{name: a, tasks: [{id: t}]}]\n")[0]).metrics;
  EXPECT_FALSE(unpriced.contains("cost"));
}
