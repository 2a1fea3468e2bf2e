// The importer's pieces without a database: the YAML draft and its --set, serialized DAGs of each
// Airflow release, schedules as the sources state them, the task graph inferred from run order,
// and the observed figures of a deployment made by hand.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "importer/ImportError.h"
#include "importer/ObservedFigures.h"
#include "importer/RestDumpReader.h"
#include "importer/SerializedDag.h"
#include "importer/TaskGraph.h"
#include "importer/YamlDraft.h"

using namespace schedlab;
using Json = nlohmann::json;

TEST(YamlDraft, WritesWhatYamlReadsBackWithCommentsAndTakesSetAsRunDoes) {
  YamlDraft y;
  auto& r = y.root();
  r["name"] = "imported";
  r["run"]["horizon"] = "1d";
  r["run"]["seed"] = 1;
  r["scheduler"]["pools"] = YamlDraft::Json{{"gpu", 4}, {"etl: heavy", 2}, {"#x", 1}};
  r["dags"] = YamlDraft::Json::array({YamlDraft::Json{
      {"name", "etl"},
      {"schedule", "*/5 * * * *"},
      {"tasks", YamlDraft::Json::array(
                    {YamlDraft::Json{{"id", "a"},
                                     {"duration", YamlDraft::Json{{"empirical", {"1s", "2.5s"}}}},
                                     {"deps", YamlDraft::Json::array()}},
                     YamlDraft::Json{{"id", "true"}, {"duration", "@once"}, {"deps", {"a"}}},
                     YamlDraft::Json{{"id", "-"}, {"duration", "-5m"}, {"deps", YamlDraft::Json::array()}}})}}});
  y.comment("run.horizon", "the span");
  y.comment("dags.0.tasks", "from the serialized DAG");
  y.header("line one\nline two");
  y.set("scheduler.parallelism=64");
  y.set("dags.etl.max_active_runs=3");
  y.set("dags.0.catchup=false");
  y.set("executor.pools=[{name: cpu, workers: 2}]");
  const std::string text = y.text();
  EXPECT_EQ(text.rfind("# line one\n# line two\n", 0), 0u) << text;
  EXPECT_NE(text.find("horizon: 1d  # the span"), std::string::npos) << text;
  EXPECT_NE(text.find("# from the serialized DAG\n    tasks:"), std::string::npos) << text;
  YAML::Node n = YAML::Load(text);
  EXPECT_EQ(n["name"].as<std::string>(), "imported");
  EXPECT_EQ(n["scheduler"]["parallelism"].as<int>(), 64);
  EXPECT_EQ(n["scheduler"]["pools"]["gpu"].as<int>(), 4);
  EXPECT_EQ(n["dags"][0]["schedule"].as<std::string>(), "*/5 * * * *");  // quoted: '*' starts an alias
  EXPECT_EQ(n["dags"][0]["max_active_runs"].as<int>(), 3);
  EXPECT_FALSE(n["dags"][0]["catchup"].as<bool>());
  EXPECT_EQ(n["dags"][0]["tasks"][0]["duration"]["empirical"][1].as<std::string>(), "2.5s");
  EXPECT_EQ(n["dags"][0]["tasks"][0]["deps"].size(), 0u);
  EXPECT_EQ(n["dags"][0]["tasks"][1]["id"].Tag(), "!");  // "true" stays a string
  EXPECT_EQ(n["dags"][0]["tasks"][1]["duration"].as<std::string>(), "@once");
  EXPECT_EQ(n["executor"]["pools"][0]["workers"].as<int>(), 2);
  EXPECT_EQ(n["scheduler"]["pools"]["etl: heavy"].as<int>(), 2);  // keys quoted as values are
  EXPECT_EQ(n["scheduler"]["pools"]["#x"].as<int>(), 1);
  EXPECT_EQ(n["dags"][0]["tasks"][2]["id"].as<std::string>(), "-");
  EXPECT_EQ(n["dags"][0]["tasks"][2]["duration"].as<std::string>(), "-5m");
  EXPECT_THROW(y.set("dags.nightly.schedule=1h"), std::invalid_argument);  // no such DAG
  EXPECT_THROW(y.set("run.horizon.x=1"), std::invalid_argument);           // through a scalar
  EXPECT_THROW(y.set("no-equals-sign"), std::invalid_argument);
}

TEST(SerializedDag, ReadsTheGraphScheduleAndLimitsOfEachRelease) {
  // 2.2: bare tasks, _downstream_task_ids, _max_active_tasks, a timedelta schedule.
  Json v22 = Json::parse(R"({"__version": 1, "dag": {"_dag_id": "d", "schedule_interval": {"__type": "timedelta",
    "__var": 300.0}, "_max_active_tasks": 8, "max_active_runs": 2, "tasks": [
    {"task_id": "a", "_task_type": "BashOperator", "_downstream_task_ids": ["b", "c"], "retries": 2, "retry_delay": 60.0},
    {"task_id": "b", "_task_type": "BashOperator", "pool": "gpu", "queue": "heavy"},
    {"task_id": "c", "_task_type": "BashOperator"}]}})");
  ObservedDag d;
  ASSERT_TRUE(readSerializedDag(v22, d));
  EXPECT_FALSE(d.graphInferred);
  ASSERT_EQ(d.tasks.size(), 3u);
  EXPECT_EQ(d.tasks[1].upstream, std::vector<std::string>{"a"});
  EXPECT_EQ(d.tasks[2].upstream, std::vector<std::string>{"a"});
  EXPECT_EQ(d.tasks[0].retries, 2);
  EXPECT_DOUBLE_EQ(d.tasks[0].retryDelay, 60);
  EXPECT_EQ(d.tasks[1].pool, "gpu");
  EXPECT_EQ(d.schedule.kind, ObservedSchedule::Kind::Interval);
  EXPECT_DOUBLE_EQ(d.schedule.seconds, 300);
  EXPECT_EQ(d.maxActiveTasks, 8);
  EXPECT_EQ(d.maxActiveRuns, 2);
  // 2.10: operators wrapped, downstream_task_ids, a cron timetable.
  Json v210 = Json::parse(R"({"__version": 1, "dag": {"_dag_id": "d", "timetable": {"__type":
    "airflow.timetables.interval.CronDataIntervalTimetable", "__var": {"expression": "0 * * * *", "timezone": "UTC"}},
    "tasks": [{"__type": "operator", "__var": {"task_id": "a", "_task_type": "X", "downstream_task_ids": ["b"]}},
              {"__type": "operator", "__var": {"task_id": "b", "_task_type": "X"}}]}})");
  ObservedDag e;
  ASSERT_TRUE(readSerializedDag(v210, e));
  EXPECT_EQ(e.tasks[1].upstream, std::vector<std::string>{"a"});
  EXPECT_EQ(e.schedule.kind, ObservedSchedule::Kind::Cron);
  EXPECT_EQ(e.schedule.text, "0 * * * *");
  // 3.1: dag_id, client_defaults for what a task leaves out, a delta trigger timetable.
  Json v31 = Json::parse(R"({"__version": 3, "client_defaults": {"tasks": {"retry_delay": 300.0, "retries": 3}},
    "dag": {"dag_id": "d", "timetable": {"__type": "airflow.timetables.trigger.DeltaTriggerTimetable",
    "__var": {"delta": 600.0, "interval": 0.0}}, "max_active_tasks": 4,
    "tasks": [{"__type": "operator", "__var": {"task_id": "a", "task_type": "X", "downstream_task_ids": ["b"], "retries": 1}},
              {"__type": "operator", "__var": {"task_id": "b", "task_type": "X"}}]}})");
  ObservedDag f;
  ASSERT_TRUE(readSerializedDag(v31, f));
  EXPECT_EQ(f.tasks[0].retries, 1);
  EXPECT_EQ(f.tasks[1].retries, 3);
  EXPECT_DOUBLE_EQ(f.tasks[1].retryDelay, 300);
  EXPECT_EQ(f.schedule.kind, ObservedSchedule::Kind::Interval);
  EXPECT_DOUBLE_EQ(f.schedule.seconds, 600);
  EXPECT_EQ(f.maxActiveTasks, 4);
  EXPECT_FALSE(readSerializedDag(Json::parse(R"({"dag": {"dag_id": "x"}})"), f));
}

TEST(SerializedDag, SchedulesAsTheColumnsAndTheApiStateThem) {
  auto kind = [](const ObservedSchedule& s) { return s.kind; };
  // 1.10's Interval column.
  ObservedSchedule s = scheduleFromJson(Json::parse(R"({"type": "timedelta", "attrs": {"days": 1, "seconds": 30,
    "microseconds": 0}})"));
  EXPECT_EQ(kind(s), ObservedSchedule::Kind::Interval);
  EXPECT_DOUBLE_EQ(s.seconds, 86430);
  EXPECT_EQ(kind(scheduleFromJson(Json::parse(R"("@daily")"))), ObservedSchedule::Kind::Cron);
  EXPECT_EQ(kind(scheduleFromJson(Json::parse("null"))), ObservedSchedule::Kind::None);
  EXPECT_EQ(kind(scheduleFromJson(Json::parse(R"("@once")"))), ObservedSchedule::Kind::Once);
  EXPECT_EQ(kind(scheduleFromJson(Json::parse(R"("Dataset")"))), ObservedSchedule::Kind::Unknown);
  // 3.x's timetable_summary, and REST API v2's.
  EXPECT_DOUBLE_EQ(scheduleFromSummary("0:05:00").seconds, 300);
  EXPECT_DOUBLE_EQ(scheduleFromSummary("1 day, 2:00:00").seconds, 93600);
  EXPECT_EQ(kind(scheduleFromSummary("*/10 * * * *")), ObservedSchedule::Kind::Cron);
  EXPECT_EQ(kind(scheduleFromSummary("None")), ObservedSchedule::Kind::None);
  EXPECT_EQ(kind(scheduleFromSummary("not a schedule")), ObservedSchedule::Kind::Unknown);
}

TEST(ParseIsoTime, ReadsTheApisTimestamps) {
  EXPECT_DOUBLE_EQ(parseIsoTime("2020-01-01T00:00:00+00:00"), 1577836800);
  EXPECT_DOUBLE_EQ(parseIsoTime("2020-01-01T01:00:00.250000+01:00"), 1577836800.25);
  EXPECT_DOUBLE_EQ(parseIsoTime("2020-01-01T00:00:00Z"), 1577836800);
  EXPECT_TRUE(std::isnan(parseIsoTime("yesterday")));
}

namespace {
ObservedTaskInstance ti(const std::string& id, double queued, double started, double ended, int tries = 1,
                        const std::string& state = "success") {
  ObservedTaskInstance t;
  t.taskId = id;
  t.queued = queued;
  t.started = started;
  t.ended = ended;
  t.tryNumber = tries;
  t.state = state;
  return t;
}
}  // namespace

TEST(TaskGraph, InfersDirectEdgesFromTheOrderTasksRanIn) {
  // a -> {b, c} -> d, and b and c swap order from run to run.
  ObservedDag dag;
  dag.id = "diamond";
  for (int r = 0; r < 4; ++r) {
    ObservedRun run;
    const double t0 = 100.0 * r;
    const bool bFirst = r % 2 == 0;
    run.tis = {ti("a", t0, t0, t0 + 10), ti("b", t0 + 11, t0 + (bFirst ? 12 : 14), t0 + (bFirst ? 20 : 25)),
               ti("c", t0 + 11, t0 + (bFirst ? 14 : 12), t0 + (bFirst ? 25 : 20)), ti("d", t0 + 26, t0 + 27, t0 + 30)};
    dag.runs.push_back(run);
  }
  inferTaskGraph(dag);
  ASSERT_EQ(dag.tasks.size(), 4u);
  EXPECT_EQ(dag.tasks[0].id, "a");
  EXPECT_EQ(dag.tasks[3].id, "d");
  EXPECT_TRUE(dag.tasks[0].upstream.empty());
  for (int k : {1, 2}) EXPECT_EQ(dag.tasks[static_cast<size_t>(k)].upstream, std::vector<std::string>{"a"});
  EXPECT_EQ(dag.tasks[3].upstream, (std::vector<std::string>{"b", "c"}));  // not a: it is not direct
  EXPECT_TRUE(dag.graphInferred);
}

TEST(ObservedFigures, TakesEachSampleAsTheModelDoes) {
  Deployment d;
  d.windowStart = 0;
  d.windowEnd = 10000;
  ObservedDag dag;
  dag.id = "etl";
  ObservedTask a, b;
  a.id = "a";
  b.id = "b";
  b.upstream = {"a"};
  dag.tasks = {a, b};
  // Two scheduled runs due at 1000 and 2000, one triggered at 2500 and one still running.
  for (double due : {1000.0, 2000.0}) {
    ObservedRun r;
    r.state = "success";
    r.dueAt = due;
    r.logicalDate = due - 1000;
    r.started = due + 2;
    r.ended = due + 60;
    r.tis = {ti("a", due + 3, due + 4, due + 30), ti("b", due + 31, due + 33, due + 59)};
    dag.runs.push_back(r);
  }
  ObservedRun manual;
  manual.state = "failed";
  manual.external = true;
  manual.dueAt = manual.logicalDate = 2500;
  manual.started = 2501;
  manual.ended = 2600;
  manual.tis = {ti("a", 2502, 2503, 2540), ti("b", 2541, 2545, 2599, 2, "failed")};  // a retried b: no transition
  dag.runs.push_back(manual);
  ObservedRun running;
  running.state = "running";
  running.dueAt = 3000;
  running.started = 3001;
  running.tis = {ti("a", 3002, 3003, kNoTime, 1, "running")};
  dag.runs.push_back(running);
  d.dags.push_back(dag);
  const ObservedSpan span = observedSpan(d);
  EXPECT_DOUBLE_EQ(span.start, 1000);
  EXPECT_DOUBLE_EQ(span.end, 3003);
  EXPECT_DOUBLE_EQ(span.warmup, 200.3);
  RunResult r = observedResult(d, span, "replay");
  const Json& m = r.metrics;
  // Warm-up: the first run's samples (before 1200.3) are left out.
  EXPECT_EQ(m["task_transition_latency_s"]["count"], 1);
  EXPECT_DOUBLE_EQ(m["task_transition_latency_s"]["mean"].get<double>(), 3.0);  // 2033 - 2030
  EXPECT_EQ(m["schedule_delay_s"]["count"], 2);  // 2000's and 3000's; not the triggered run's
  EXPECT_DOUBLE_EQ(m["schedule_delay_s"]["mean"].get<double>(), 1.5);
  EXPECT_EQ(m["dagrun_duration_s"]["count"], 2);  // 2000's (58 s) and the triggered one (99 s)
  EXPECT_DOUBLE_EQ(m["dagrun_duration_s"]["mean"].get<double>(), 78.5);
  EXPECT_DOUBLE_EQ(m["dagrun_done_after_due_s"]["mean"].get<double>(), 80.0);  // 60 and 100
  EXPECT_EQ(m["queued_duration_s"]["count"], 5);
  EXPECT_EQ(m["dagruns_succeeded"], 2);  // counts: the whole span, as the model counts
  EXPECT_EQ(m["dagruns_failed"], 1);
  EXPECT_EQ(m["tasks_in_flight_at_end"], 1);
  EXPECT_EQ(r.metricsByDag["etl"]["task_transition_latency_s"]["count"], 1);
  d.dags.clear();
  EXPECT_THROW(observedSpan(d), ImportError);
}
