// `schedlab report` on the shipped scenarios (CI-sized horizons): every figure is drawn, the page
// is self-contained, Chromium renders it to a non-blank screenshot and every image decodes.
#include <gtest/gtest.h>

#include <regex>

#include "support/TestSupport.h"

namespace fs = std::filesystem;
using schedlab::test::readFile;
using schedlab::test::runCli;

namespace {

// Renders the page headless as a person's browser would and checks what it shows.
void expectRendersInChromium(const fs::path& html, int images) {
  fs::path dir = schedlab::test::tempDir();
  fs::path shot = dir / "screenshot.png";
  std::string cmd =
      "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=" +
      (dir / "profile").string() + " --window-size=1200,2400 --screenshot=" + shot.string() + " file://" +
      fs::absolute(html).string() + " >" + (dir / "chromium.log").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << readFile(dir / "chromium.log");
  ASSERT_TRUE(fs::exists(shot)) << readFile(dir / "chromium.log");
  std::string check = "/usr/bin/python3 " + std::string(SCHEDLAB_TESTS) + "/reports/inspect_report.py " +
                      html.string() + " " + shot.string() + " " + std::to_string(images) + " >" +
                      (dir / "inspect.log").string() + " 2>&1";
  int rc = std::system(check.c_str());
  EXPECT_EQ(rc, 0) << readFile(dir / "inspect.log");
  fs::remove_all(dir);
}

int countOf(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// `schedlab run ARGS` into DIR/results, then `schedlab report` beside the results.
void runAndReport(const std::string& args, const fs::path& dir) {
  auto run = runCli("run " + args + " --quiet --out " + (dir / "results").string());
  ASSERT_EQ(run.code, 0) << run.output;
  auto r = runCli("report " + (dir / "results").string());
  ASSERT_EQ(r.code, 0) << r.output;
}

const char* kFigures[] = {"transition_cdf.png", "cost_vs_latency.png",   "scheduler_loop.png",
                          "metadata_db.png",    "queue_and_workers.png", "dag_run_gantt.png"};

}  // namespace

TEST(Report, BluevineOnboardingHasEveryFigureAndAVerdict) {
  fs::path dir = schedlab::test::tempDir();
  auto run = runCli("run " + std::string(SCHEDLAB_SCENARIOS) +
                    "/bluevine-onboarding.yaml --quiet --set run.horizon=1h"
                    " --out " +
                    (dir / "results").string());
  ASSERT_EQ(run.code, 0) << run.output;
  auto r = runCli("report " + (dir / "results").string() + " --out " + (dir / "report").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("report: " + (dir / "report/report.html").string()), std::string::npos) << r.output;
  for (const char* f : kFigures) EXPECT_TRUE(fs::exists(dir / "report/figures" / f)) << f;
  std::string md = readFile(dir / "report/report.md");
  std::string html = readFile(dir / "report/report.html");
  for (const char* f : kFigures) EXPECT_NE(md.find(std::string("(figures/") + f + ")"), std::string::npos) << f;
  EXPECT_EQ(countOf(html, "data:image/png;base64,"), 6);
  // The verdict: each SLA against each variant, and ratios against the baseline.
  EXPECT_NE(md.find("| step_to_step_p95 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Ratios against the baseline **per_task**"), std::string::npos) << md;
  EXPECT_TRUE(
      std::regex_search(md, std::regex("\\| split_fast_instance \\| [0-9.]+ (ms|s) ×0\\.[0-9]+ \\(-[0-9]+ %\\)")))
      << md;
  // No temporary files left behind.
  for (const auto& e : fs::directory_iterator(dir / "report"))
    EXPECT_EQ(e.path().filename().string().rfind(".report-", 0), std::string::npos) << e.path();
  expectRendersInChromium(dir / "report/report.html", 6);
}

TEST(Report, MetadbGrowthShowsSizeOverTimeWithoutPerTryRows) {
  fs::path dir = schedlab::test::tempDir();
  auto run = runCli("run " + std::string(SCHEDLAB_SCENARIOS) +
                    "/metadb-growth.yaml --quiet --set run.horizon=2d --out " + (dir / "results").string());
  ASSERT_EQ(run.code, 0) << run.output;
  ASSERT_FALSE(fs::exists(dir / "results/task_instances.csv"));
  auto r = runCli("report " + (dir / "results").string());  // default: beside the results
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* f : kFigures) EXPECT_TRUE(fs::exists(dir / "results/figures" / f)) << f;
  std::string md = readFile(dir / "results/report.md");
  EXPECT_NE(md.find("DB size (max)"), std::string::npos);
  expectRendersInChromium(dir / "results/report.html", 6);
}

TEST(Report, Airflow3MigrationShowsItsApiServer) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_NO_FATAL_FAILURE(
      runAndReport(std::string(SCHEDLAB_SCENARIOS) +
                       "/airflow3-migration.yaml --set run.horizon=2h --variant airflow2 --variant airflow3_1_worker "
                       "--variant airflow3_4_workers --variant airflow3_deferrable",
                   dir));
  for (const char* f : kFigures) EXPECT_TRUE(fs::exists(dir / "results/figures" / f)) << f;
  EXPECT_TRUE(fs::exists(dir / "results/figures/api_server.png"));
  std::string md = readFile(dir / "results/report.md");
  EXPECT_NE(md.find("## API server"), std::string::npos) << md;
  // A row per airflow3 variant with its workers, none for airflow2; a row per route of each.
  EXPECT_NE(md.find("| airflow3_1_worker | 1 × 1 on 4 cores |"), std::string::npos) << md;
  EXPECT_NE(md.find("| airflow3_4_workers | 1 × 4 on 4 cores |"), std::string::npos) << md;
  EXPECT_EQ(md.find("| airflow2 | 1 ×"), std::string::npos) << md;
  EXPECT_EQ(countOf(md, "| ti_heartbeat |"), 3) << md;
  // Its deferrable variant: the triggerer, and the worker-hours saved beside the poking variant.
  EXPECT_NE(md.find("## Triggerer"), std::string::npos) << md;
  EXPECT_NE(md.find("| airflow3_deferrable | 1 × 1000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("4.0 h (vs airflow3_4_workers) |"), std::string::npos) << md;
  // (The page's rendering in Chromium is checked by the other scenarios' tests.)
}

TEST(Report, FetchrNightlyEtlHasEveryFigure) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_NO_FATAL_FAILURE(runAndReport(std::string(SCHEDLAB_SCENARIOS) + "/fetchr-nightly-etl.yaml", dir));
  for (const char* f : kFigures) EXPECT_TRUE(fs::exists(dir / "results/figures" / f)) << f;
  std::string md = readFile(dir / "results/report.md");
  EXPECT_NE(md.find("| etl_done_by_6am |"), std::string::npos) << md;
  expectRendersInChromium(dir / "results/report.html", 6);
}

TEST(Report, AgariAutoscalingShowsItsPoolsAndWhatScaleInKilled) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_NO_FATAL_FAILURE(
      runAndReport(std::string(SCHEDLAB_SCENARIOS) + "/agari-autoscaling.yaml --set run.horizon=6h", dir));
  for (const char* f : kFigures) EXPECT_TRUE(fs::exists(dir / "results/figures" / f)) << f;
  EXPECT_TRUE(fs::exists(dir / "results/figures/worker_pools.png"));
  std::string md = readFile(dir / "results/report.md");
  EXPECT_NE(md.find("## Worker pools"), std::string::npos) << md;
  // cpu_target's premature scale-in kills tries; the queue-based policy never does.
  EXPECT_TRUE(std::regex_search(
      md,
      std::regex("\\| cpu_target \\| consumers \\| [0-9.]+ h \\| [0-9]+ \\| [0-9]+ / [0-9]+ \\| [1-9][0-9]* / 0 \\|")))
      << md;
  EXPECT_TRUE(std::regex_search(
      md, std::regex("\\| queue_depth \\| consumers \\| [0-9.]+ h \\| [0-9]+ \\| [0-9]+ / [0-9]+ \\| 0 / 0 \\|")))
      << md;
  expectRendersInChromium(dir / "results/report.html", 7);
}

TEST(Report, BettermentHaShowsWhatEachWayOfSurvivingACrashCostsAndSaves) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_NO_FATAL_FAILURE(runAndReport(std::string(SCHEDLAB_SCENARIOS) + "/betterment-ha.yaml", dir));
  EXPECT_TRUE(fs::exists(dir / "results/figures/faults.png"));
  std::string md = readFile(dir / "results/report.md");
  EXPECT_NE(md.find("## Faults"), std::string::npos) << md;
  // One scheduler: down from the crash until the person paged by the alert restarts it.
  EXPECT_TRUE(
      std::regex_search(md, std::regex("\\| single \\| scheduler_crash \\| [0-9]+ s \\| [0-9]+ s \\| [0-9]+ s \\|")))
      << md;
  // The standby is up within seconds, before any alert; active/active schedulers never leave
  // the instance without one, so nobody is paged and the crashed one stays down.
  EXPECT_TRUE(std::regex_search(
      md, std::regex("\\| hot_standby \\| scheduler_crash \\| [0-9.]+ s \\| no alert \\| [0-9.]+ s \\|")))
      << md;
  EXPECT_NE(md.find("| ha_2 | scheduler_crash | none | no alert | not back |"), std::string::npos) << md;
  EXPECT_NE(md.find("### What surviving a scheduler crash costs and saves"), std::string::npos) << md;
  // The failover ends every scheduler at once, HA or not: only it leaves ha_2 without one.
  EXPECT_TRUE(std::regex_search(
      md, std::regex("\\| ha_2 \\| db_failover \\| [0-9.]+ s \\| - \\| [0-9.]+ s \\([0-9]+ exits\\) \\|")))
      << md;
  EXPECT_TRUE(std::regex_search(md, std::regex("\\| ha_2 \\| 2 \\+ 0 \\| [0-9.]+ s \\| [0-9]+ \\| [1-9][0-9]* \\|")))
      << md;
  expectRendersInChromium(dir / "results/report.html", 8);
}

TEST(Report, LiveResultsAreShownBesideTheSimulatedOnes) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_EQ(
      runCli("run " + std::string(SCHEDLAB_TEST_DATA) + "/tiny-chain.yaml --quiet --out " + (dir / "sim").string())
          .code,
      0);
  // A live run of the same scenario whose loops took 25 % longer than simulated.
  auto results = nlohmann::json::parse(readFile(dir / "sim/results.json"));
  results["source"] = "live";
  // Its backends spent twice the simulated DB time on each statement.
  for (auto& v : results["variants"]) {
    auto& loop = v["metrics"]["scheduler_loop_duration_s"]["mean"];
    loop = loop.get<double>() * 1.25;
    for (auto& [type, e] : v["metrics"]["db_queries_by_type"].items()) {
      e["db_cpu_seconds"] = 2 * e["db_seconds"].get<double>();
      e["response_seconds"] = 4 * e["response_seconds"].get<double>();  // and waited longer
    }
  }
  fs::create_directories(dir / "live");
  std::ofstream(dir / "live/results.json") << results.dump();
  auto r =
      runCli("report " + (dir / "sim").string() + " " + (dir / "live").string() + " --out " + (dir / "both").string());
  ASSERT_EQ(r.code, 0) << r.output;
  std::string md = readFile(dir / "both/report.md");
  EXPECT_NE(md.find("## Simulated vs live"), std::string::npos) << md;
  // (simulated - live) / live = 1 / 1.25 - 1 = -20 %.
  EXPECT_NE(md.find("-20.0 %"), std::string::npos) << md;
  EXPECT_NE(md.find("| airflow2 (live) |"), std::string::npos) << md;
  // Where the DB's CPU went: per statement, simulated against live, -50 % each; its response
  // -75 %.
  EXPECT_NE(md.find("### Where the database's CPU went"), std::string::npos) << md;
  EXPECT_TRUE(
      std::regex_search(md, std::regex("\\| airflow2 \\| [a-z_]+ \\| [0-9]+ \\| [0-9]+ µs \\| [0-9]+ µs \\| -50.0 % "
                                       "\\| [0-9]+ % \\| [0-9]+ µs \\| [0-9]+ µs \\| -75.0 % \\|")))
      << md;
}

TEST(Report, SeveralResultsDirectoriesAndBadInput) {
  fs::path dir = schedlab::test::tempDir();
  std::string data = SCHEDLAB_TEST_DATA;
  ASSERT_EQ(runCli("run " + data + "/tiny-chain.yaml --quiet --out " + (dir / "a").string()).code, 0);
  ASSERT_EQ(runCli("run " + data + "/tiny-split.yaml --quiet --out " + (dir / "b").string()).code, 0);
  auto r = runCli("report " + (dir / "a").string() + " " + (dir / "b").string() + " --out " + (dir / "ab").string());
  ASSERT_EQ(r.code, 0) << r.output;
  std::string md = readFile(dir / "ab/report.md");
  EXPECT_NE(md.find("## Verdict — tiny-chain"), std::string::npos) << md;
  EXPECT_NE(md.find("## Verdict — tiny-split"), std::string::npos) << md;
  EXPECT_NE(md.find("| tiny-chain/airflow2 |"), std::string::npos) << md;  // labels name the scenario

  auto missing = runCli("report " + (dir / "nope").string() + " --out " + (dir / "x").string());
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_FALSE(fs::exists(dir / "x"));
  fs::create_directories(dir / "broken");
  std::ofstream(dir / "broken/results.json") << "{not json";
  auto broken = runCli("report " + (dir / "broken").string() + " --out " + (dir / "y").string());
  EXPECT_EQ(broken.code, 2) << broken.output;
  EXPECT_NE(broken.output.find("not a results.json"), std::string::npos) << broken.output;
  EXPECT_FALSE(fs::exists(dir / "y/report.html"));
}

TEST(Report, KubernetesVsCeleryShowsPodStartsAndNodePools) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_NO_FATAL_FAILURE(
      runAndReport(std::string(SCHEDLAB_SCENARIOS) + "/kubernetes-vs-celery.yaml --set run.horizon=4h", dir));
  EXPECT_TRUE(fs::exists(dir / "results/figures/node_pools.png"));
  std::string md = readFile(dir / "results/report.md");
  EXPECT_NE(md.find("## Pods and nodes"), std::string::npos) << md;
  // A row per variant with pods, none for Celery alone; the batch size as configured.
  EXPECT_TRUE(std::regex_search(md, std::regex("\\| kubernetes_batch_1 \\| 1 \\| [0-9.]+ s \\|"))) << md;
  EXPECT_TRUE(std::regex_search(md, std::regex("\\| kubernetes_batch_16 \\| 16 \\| [0-9.]+ s \\|"))) << md;
  EXPECT_EQ(md.find("| celery_keda | 1 |"), std::string::npos) << md;
  // The node pool's row: hours, the most nodes, its cost; the Celery pool stays in Worker pools.
  EXPECT_TRUE(std::regex_search(md, std::regex("\\| kubernetes_batch_1 \\| nodes \\| [0-9.]+ h \\| [0-9]+ \\|"))) << md;
  EXPECT_NE(md.find("## Worker pools"), std::string::npos) << md;
  EXPECT_EQ(md.find("| kubernetes_batch_1 | nodes | - |"), std::string::npos) << md;
  // Beside Celery (hybrid) the pods' settings and node pool are found under the executor's `kubernetes`.
  EXPECT_TRUE(std::regex_search(md, std::regex("\\| hybrid \\| 1 \\| [0-9.]+ s \\|"))) << md;
  EXPECT_TRUE(std::regex_search(md, std::regex("\\| hybrid \\| nodes \\| [0-9.]+ h \\|"))) << md;
  EXPECT_EQ(md.find("| hybrid | nodes | -"), std::string::npos) << md;
}
