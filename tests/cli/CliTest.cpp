// The command line as a user meets it: exit codes, error messages, and nothing written on error.
#include <gtest/gtest.h>

#include "results/MetricSchema.h"
#include "support/TestSupport.h"

namespace fs = std::filesystem;

namespace {

schedlab::test::CliResult run(const std::string& args) { return schedlab::test::runCli(args); }

const char* kTiny = "dags: [{name: a, schedule: 10m, tasks: [{shape: chain, count: 2, duration: 5s}]}]\n";

}  // namespace

TEST(Cli, HelpForEveryCommand) {
  EXPECT_EQ(run("--help").code, 0);
  auto r = run("run --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("--variant"), std::string::npos);
  EXPECT_NE(r.output.find("--set"), std::string::npos);
  EXPECT_EQ(run("validate --help").code, 0);
  EXPECT_EQ(run("frobnicate").code, 2);
  EXPECT_EQ(run("").code, 2);
}

TEST(Cli, ValidateAcceptsAGoodFile) {
  auto path = schedlab::test::writeScenario(kTiny);
  auto r = run("validate " + path);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("variant base ok: 1 DAGs, 2 tasks"), std::string::npos) << r.output;
}

TEST(Cli, BadInputExitsTwoWithLineAndFieldAndWritesNothing) {
  auto path = schedlab::test::writeScenario("run:\n  horizon: 1h\n  horizn: 2h\n" + std::string(kTiny));
  auto out = fs::path(path).parent_path() / "out";
  auto r = run("run " + path + " --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find(path + ":3:3: run.horizn: unknown key"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, UnknownVariantAndBadOptionsExitTwo) {
  auto path = schedlab::test::writeScenario(kTiny);
  auto out = fs::path(path).parent_path() / "out";
  auto r = run("run " + path + " --variant fast --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("unknown variant 'fast'"), std::string::npos) << r.output;
  EXPECT_EQ(run("run " + path + " --seed banana").code, 2);
  EXPECT_EQ(run("run " + path + " --set nonsense").code, 2);
  EXPECT_EQ(run("run /no/such/file.yaml").code, 2);
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, BadCalibrationFileExitsTwo) {
  auto dir = schedlab::test::tempDir();
  std::ofstream(dir / "cal.json") << R"({"queries": {"default": {"fixed_s": "slow"}}})";
  auto path = dir / "s.yaml";
  std::ofstream(path) << "metadb: {calibration: cal.json}\n" << kTiny;
  auto r = run("run " + path.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("cal.json: queries.default.fixed_s: expected a non-negative number"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(Cli, AnSlaTypoIsRefusedBeforeAnythingRuns) {
  auto path =
      schedlab::test::writeScenario("run: {horizon: 30d}\n" + std::string(kTiny) +
                                    "slas:\n  - {name: fast, metric: metrics.task_transiton_latency_s.p95, max: 3s}\n");
  auto out = fs::path(path).parent_path() / "out";
  for (const std::string& command : {"validate " + path, "run " + path + " --quiet --out " + out.string()}) {
    auto r = run(command);
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_NE(r.output.find(":4:5: slas.fast.metric: no figure 'metrics.task_transiton_latency_s.p95' in "
                            "results.json: no metric 'task_transiton_latency_s'"),
              std::string::npos)
        << r.output;
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, NamesWithCommasAndQuotesStayInTheirCsvColumn) {
  auto path = schedlab::test::writeScenario("run: {horizon: 30m}\n" + std::string(kTiny) +
                                            "variants:\n  - name: 'fast, \"new\"'\n");
  auto out = fs::path(path).parent_path() / "out";
  ASSERT_EQ(run("run " + path + " --quiet --out " + out.string()).code, 0);
  for (const char* csv : {"task_instances.csv", "timeseries.csv"}) {
    std::string rows = schedlab::test::csvRows(schedlab::test::readFile(out / csv));
    ASSERT_FALSE(rows.empty()) << csv;
    EXPECT_EQ(rows.rfind("\"fast, \"\"new\"\"\",", 0), 0u) << csv << ": " << rows.substr(0, 80);
  }
}

TEST(Cli, RunWritesResultsAtomically) {
  auto path = schedlab::test::writeScenario("run: {horizon: 1h}\n" + std::string(kTiny));
  auto out = fs::path(path).parent_path() / "out";
  auto r = run("run " + path + " --quiet --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  for (auto f : {"results.json", "task_instances.csv", "timeseries.csv"}) EXPECT_TRUE(fs::exists(out / f)) << f;
  for (auto& e : fs::directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
  std::ifstream in(out / "results.json");
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["scenario"], "scenario");
  auto& m = j["variants"][0]["metrics"];
  EXPECT_EQ(m["tasks_lost"], 0);
  EXPECT_EQ(m["tasks_succeeded"], 10);  // 5 runs (10, 20, ... 50 min) x 2 tasks; the 60 min run is not due
  for (auto key : {"task_transition_latency_s", "schedule_delay_s", "dagrun_duration_s", "trigger_to_done_s",
                   "scheduler_loop_duration_s", "queued_duration_s", "db_queries_per_loop"})
    for (auto stat : {"count", "mean", "p50", "p90", "p95", "p99", "max"}) EXPECT_TRUE(m[key].contains(stat)) << key;
  EXPECT_TRUE(m.contains("db_cpu_utilization"));
  EXPECT_TRUE(j["variants"][0]["metrics_by_dag"]["a"].contains("db_queries_per_pass"));
}

TEST(Cli, TaskInstancesCsvCanBeSkippedAndNoStaleOneStays) {
  auto path = schedlab::test::writeScenario(std::string("run: {horizon: 1h}\n") + kTiny);
  auto out = schedlab::test::tempDir() / "out";
  ASSERT_EQ(run("run " + path + " --quiet --out " + out.string()).code, 0);
  ASSERT_TRUE(fs::exists(out / "task_instances.csv"));
  ASSERT_EQ(run("run " + path + " --quiet --set run.task_instances_csv=false --out " + out.string()).code, 0);
  EXPECT_FALSE(fs::exists(out / "task_instances.csv"));
  EXPECT_TRUE(fs::exists(out / "results.json"));
  EXPECT_TRUE(fs::exists(out / "timeseries.csv"));
}

TEST(Cli, SchemaExportsEveryMetricAndReadmeShowsIt) {
  auto json = run("schema --json");
  ASSERT_EQ(json.code, 0) << json.output;
  const auto doc = nlohmann::json::parse(json.output);
  EXPECT_EQ(doc["metrics"].size(), schedlab::metricSchema().size());
  EXPECT_EQ(doc["metrics"][0]["key"], "task_transition_latency_s");
  EXPECT_EQ(doc["metrics"][0]["unit"], "s");
  EXPECT_EQ(run("schema --json --markdown").code, 2);
  EXPECT_EQ(run("schema extra").code, 2);
  // docs/results.md carries the table as the binary prints it: a metric added, renamed or
  // re-united without it fails here.
  auto md = run("schema --markdown");
  ASSERT_EQ(md.code, 0);
  std::ifstream in(std::string(SCHEDLAB_DOCS) + "/results.md");
  std::stringstream readme;
  readme << in.rdbuf();
  EXPECT_NE(readme.str().find(md.output), std::string::npos)
      << "docs/results.md's metrics table differs from `schedlab schema --markdown`:\n"
      << md.output;
}

// README is the guide and docs/ the reference: every relative link between them names a file that
// exists.
TEST(Docs, EveryRelativeLinkResolves) {
  namespace fs = std::filesystem;
  std::vector<fs::path> pages = {SCHEDLAB_README};
  for (const auto& e : fs::directory_iterator(SCHEDLAB_DOCS)) pages.push_back(e.path());
  int links = 0;
  for (const auto& page : pages) {
    std::ifstream in(page);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (size_t at = s.find("]("); at != std::string::npos; at = s.find("](", at + 2)) {
      const size_t end = s.find(')', at);
      std::string target = s.substr(at + 2, end - at - 2);
      if (target.rfind("http", 0) == 0 || target.empty() || target[0] == '#') continue;
      target = target.substr(0, target.find('#'));
      EXPECT_TRUE(fs::exists(page.parent_path() / target)) << page << " links to missing " << target;
      ++links;
    }
  }
  EXPECT_GE(links, 8);
}
