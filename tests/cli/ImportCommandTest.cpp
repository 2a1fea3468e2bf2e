// `schedlab import` from a REST API dump (no database needed): a v2 (3.x) dump with its task
// lists rebuilds the graph and writes a scenario that loads and observed results; bad input exits
// with code 2, names what is wrong (never a password) and writes nothing.
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;
using Json = nlohmann::json;

namespace {

// A 3.x deployment as `GET /api/v2/...` returns it: one DAG every 10 minutes (a chain a -> b -> c),
// six runs, and one DAG triggered twice through the API.
void writeDump(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "tasks");
  Json dags = {{"dags",
                {{{"dag_id", "etl"}, {"timetable_summary", "0:10:00"}, {"max_active_runs", 2}, {"is_paused", false}},
                 {{"dag_id", "on_demand"}, {"timetable_summary", nullptr}}}},
               {"total_entries", 2}};
  Json runs = Json::array(), tis = Json::array();
  auto iso = [](int seconds) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2026-11-30T10:%02d:%02d.000000Z", seconds / 60, seconds % 60);
    return std::string(buf);
  };
  for (int r = 0; r < 6; ++r) {
    const int due = 600 * r / 10, start = due + 2;  // minutes are compressed: 60 s apart
    const std::string id = "scheduled__" + std::to_string(r);
    runs.push_back({{"dag_run_id", id},
                    {"dag_id", "etl"},
                    {"logical_date", iso(due)},
                    {"run_after", iso(due)},
                    {"data_interval_end", iso(due)},
                    {"queued_at", iso(due + 1)},
                    {"start_date", iso(start)},
                    {"end_date", iso(start + 40)},
                    {"state", "success"},
                    {"run_type", "scheduled"}});
    int t = start + 1;
    for (const char* task : {"a", "b", "c"}) {
      tis.push_back({{"id", "u-" + id + task},
                     {"dag_id", "etl"},
                     {"dag_run_id", id},
                     {"task_id", task},
                     {"map_index", -1},
                     {"queued_when", iso(t)},
                     {"start_date", iso(t + 1)},
                     {"end_date", iso(t + 10)},
                     {"state", "success"},
                     {"try_number", 1},
                     {"max_tries", 1},
                     {"pool", "default_pool"},
                     {"queue", "default"}});
      t += 12;
    }
  }
  for (int k = 0; k < 2; ++k) {
    const int at = 100 + 200 * k;
    const std::string id = "manual__" + std::to_string(k);
    runs.push_back({{"dag_run_id", id},
                    {"dag_id", "on_demand"},
                    {"logical_date", iso(at)},
                    {"run_after", iso(at)},
                    {"start_date", iso(at + 1)},
                    {"end_date", iso(at + 20)},
                    {"state", "success"},
                    {"run_type", "manual"}});
    tis.push_back({{"dag_id", "on_demand"},
                   {"dag_run_id", id},
                   {"task_id", "work"},
                   {"queued_when", iso(at + 2)},
                   {"start_date", iso(at + 3)},
                   {"end_date", iso(at + 19)},
                   {"state", "success"},
                   {"try_number", 1}});
  }
  Json tasks = {{"tasks",
                 {{{"task_id", "a"}, {"downstream_task_ids", {"b"}}, {"retries", 1}},
                  {{"task_id", "b"}, {"downstream_task_ids", {"c"}}, {"retries", 1}},
                  {{"task_id", "c"}, {"downstream_task_ids", Json::array()}, {"retries", 1}}}},
                {"total_entries", 3}};
  std::ofstream(dir / "dags.json") << dags.dump();
  std::ofstream(dir / "dag_runs.json") << Json{{"dag_runs", runs}}.dump();
  std::ofstream(dir / "task_instances.json") << Json{{"task_instances", tis}}.dump();
  std::ofstream(dir / "tasks" / "etl.json") << tasks.dump();
}

}  // namespace

TEST(ImportCommand, AV2RestDumpBecomesAScenarioThatLoadsAndObservedResults) {
  const auto dir = tempDir();
  writeDump(dir / "dump");
  const std::string out = (dir / "imported").string();
  auto r = runCli("import --rest-dump " + (dir / "dump").string() + " --out " + out + " --name acme");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("2 DAGs (1 task graphs inferred"), std::string::npos) << r.output;
  const std::string yaml = readFile(out + "/scenario.yaml");
  EXPECT_NE(yaml.find("model: airflow3  # from the REST API's field names"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("schedule: 10m"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("max_active_runs: 2"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("deps: [b]"), std::string::npos) << yaml;  // c after b, from the task list
  EXPECT_NE(yaml.find("retries: 1"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("kind: trace"), std::string::npos) << yaml;  // on_demand's two API triggers
  const std::string trace = readFile(out + "/triggers/on_demand.csv");
  EXPECT_NE(trace.find("\n100.000\n300.000\n"), std::string::npos) << trace;
  // It loads as written, and simulates.
  auto check = runCli("validate " + out + "/scenario.yaml");
  EXPECT_EQ(check.code, 0) << check.output << yaml;
  auto sim = runCli("run " + out + "/scenario.yaml --out " + out + "/sim --quiet");
  EXPECT_EQ(sim.code, 0) << sim.output;
  const Json results = Json::parse(readFile(out + "/observed/results.json"));
  EXPECT_EQ(results["source"], "observed");
  EXPECT_EQ(results["scenario"], "acme");
  const Json& m = results["variants"][0]["metrics"];
  // After the warm-up (a tenth of the span): each run's b and c start 3 s after their upstream's end.
  EXPECT_GT(m["task_transition_latency_s"]["count"].get<int>(), 0);
  EXPECT_DOUBLE_EQ(m["task_transition_latency_s"]["mean"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(m["queued_duration_s"]["p50"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(m["dagrun_duration_s"]["mean"].get<double>(),
                   (6 * 40.0 + 2 * 19.0) / 8);  // all end after the warm-up
  EXPECT_EQ(results["variants"][0]["metrics_by_dag"]["on_demand"]["schedule_delay_s"]["count"], 0);
}

TEST(ImportCommand, BadInputExitsTwoNamingItAndWritesNothing) {
  const auto dir = tempDir();
  const std::string out = (dir / "out").string();
  auto neither = runCli("import --out " + out);
  EXPECT_EQ(neither.code, 2);
  EXPECT_NE(neither.output.find("give exactly one of --pg URL and --rest-dump DIR"), std::string::npos)
      << neither.output;
  auto unreachable = runCli("import --pg postgresql://airflow:s3cret-pw@127.0.0.1:1/airflow --out " + out);
  EXPECT_EQ(unreachable.code, 2) << unreachable.output;
  EXPECT_NE(unreachable.output.find("cannot connect to postgresql://airflow:***@127.0.0.1:1/airflow"),
            std::string::npos)
      << unreachable.output;
  EXPECT_EQ(unreachable.output.find("s3cret"), std::string::npos) << unreachable.output;

  writeDump(dir / "dump");
  auto since = runCli("import --rest-dump " + (dir / "dump").string() + " --since soon --out " + out);
  EXPECT_EQ(since.code, 2);
  EXPECT_NE(since.output.find("--since: 'soon' is not a duration"), std::string::npos) << since.output;
  // A --set the scenario cannot take: the loader's message, naming the file it would have been.
  auto set = runCli("import --rest-dump " + (dir / "dump").string() + " --set scheduler.parallelism=-1 --out " + out);
  EXPECT_EQ(set.code, 2) << set.output;
  EXPECT_NE(set.output.find(out + "/scenario.yaml"), std::string::npos) << set.output;
  EXPECT_NE(set.output.find("scheduler.parallelism"), std::string::npos) << set.output;
  EXPECT_NE(set.output.find("nothing was written"), std::string::npos) << set.output;
  // A window without runs: the dump's newest second.
  auto window = runCli("import --rest-dump " + (dir / "dump").string() + " --since 1s --out " + out);
  EXPECT_EQ(window.code, 2) << window.output;
  EXPECT_NE(window.output.find("no DAG run in the window"), std::string::npos) << window.output;
  // A run without its state.
  Json runs = Json::parse(readFile(dir / "dump" / "dag_runs.json"));
  runs["dag_runs"][3].erase("state");
  std::ofstream(dir / "dump" / "dag_runs.json") << runs.dump();
  auto missing = runCli("import --rest-dump " + (dir / "dump").string() + " --out " + out);
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_NE(missing.output.find("dag_runs.json: dag_runs[3]: missing field state"), std::string::npos)
      << missing.output;
  auto empty = runCli("import --rest-dump " + (dir / "nowhere").string() + " --out " + out);
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.output.find("no such directory"), std::string::npos) << empty.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename().string().find(".import-tmp."), std::string::npos) << entry.path();
}
