// `schedlab sweep` and `schedlab merge`: the grid, shards that merge into the same sweep.csv, and
// a capacity search whose answer queueing theory knows.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "support/TestSupport.h"

namespace fs = std::filesystem;
using schedlab::test::readFile;
using schedlab::test::runCli;

namespace {

std::string data(const char* name) { return std::string(SCHEDLAB_TEST_DATA) + "/" + name; }

const char* kGrid =
    " --param executor.workers=1,2 --param scheduler.scheduler_idle_sleep_time=1s,3s --seeds 2 --jobs 2 --quiet";

// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a.
double erlangC(int c, double a) {
  double sum = 0, term = 1;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  double last = term * a / c * c / (c - a);
  return last / (sum + last);
}

}  // namespace

TEST(SweepCommand, RunsTheGridAndShardsMergeToTheSameCsv) {
  fs::path dir = schedlab::test::tempDir();
  auto whole = runCli("sweep " + data("tiny-chain.yaml") + kGrid + " --out " + (dir / "whole").string());
  ASSERT_EQ(whole.code, 0) << whole.output;
  std::string csv = readFile(dir / "whole/sweep.csv");
  // 2 x 2 parameter values x 2 variants = 8 rows, each over 2 seeds; 16 runs.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 8) << csv;
  EXPECT_EQ(csv.rfind("executor.workers,scheduler.scheduler_idle_sleep_time,variant,seeds,", 0), 0u) << csv;
  EXPECT_NE(csv.find("\n1,1s,airflow2,2,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n2,3s,airflow1,2,"), std::string::npos) << csv;
  EXPECT_TRUE(fs::exists(dir / "whole/points/0015/results.json"));
  EXPECT_FALSE(fs::exists(dir / "whole/points/0016"));

  for (int i = 1; i <= 3; ++i) {
    auto shard = runCli("sweep " + data("tiny-chain.yaml") + kGrid + " --shard " + std::to_string(i) + "/3 --out " +
                        (dir / ("shard" + std::to_string(i))).string());
    ASSERT_EQ(shard.code, 0) << shard.output;
  }
  auto partial = runCli("merge " + (dir / "shard1").string() + " " + (dir / "shard2").string() + " --out " +
                        (dir / "partial").string());
  EXPECT_EQ(partial.code, 2) << partial.output;
  EXPECT_NE(partial.output.find("points missing"), std::string::npos) << partial.output;
  EXPECT_FALSE(fs::exists(dir / "partial")) << "a refused merge wrote part of --out";
  // A shard whose sweep.json is not one, or whose point is damaged, is bad input; nothing written.
  fs::create_directories(dir / "empty");
  std::ofstream(dir / "empty/sweep.json") << "{}";
  auto empty = runCli("merge " + (dir / "empty").string() + " --out " + (dir / "e").string());
  EXPECT_EQ(empty.code, 2) << empty.output;
  EXPECT_NE(empty.output.find("empty/sweep.json: not a sweep.json as schedlab sweep writes it"), std::string::npos)
      << empty.output;
  fs::copy(dir / "shard3", dir / "damaged", fs::copy_options::recursive);
  std::ofstream(fs::directory_iterator(dir / "damaged/points")->path() / "results.json") << "[]";
  auto damaged = runCli("merge " + (dir / "shard1").string() + " " + (dir / "shard2").string() + " " +
                        (dir / "damaged").string() + " --out " + (dir / "d").string());
  EXPECT_EQ(damaged.code, 2) << damaged.output;
  EXPECT_FALSE(fs::exists(dir / "e"));
  EXPECT_FALSE(fs::exists(dir / "d"));

  auto merged = runCli("merge " + (dir / "shard1").string() + " " + (dir / "shard2").string() + " " +
                       (dir / "shard3").string() + " --out " + (dir / "merged").string());
  ASSERT_EQ(merged.code, 0) << merged.output;
  EXPECT_EQ(readFile(dir / "merged/sweep.csv"), csv);
}

TEST(SweepCommand, BadParametersFailBeforeAnythingRuns) {
  fs::path dir = schedlab::test::tempDir();
  auto bad =
      runCli("sweep " + data("tiny-chain.yaml") + " --param executor.workers=1,-3 --out " + (dir / "s").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("executor.workers"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "s/points"));
  EXPECT_EQ(runCli("sweep " + data("tiny-chain.yaml") + " --param executor.workers").code, 2);
  EXPECT_EQ(runCli("sweep " + data("tiny-chain.yaml") + " --find-min executor.workers").code, 2);  // no --subject-to
  EXPECT_EQ(runCli("sweep " + data("tiny-chain.yaml") + " --find-min executor.workers --subject-to 'p95<3'").code, 2);
}

TEST(SweepCommand, ResumeRunsOnlyThePointsMissingAndRefusesAnotherSweep) {
  fs::path dir = schedlab::test::tempDir();
  const std::string grid = " --param executor.workers=1,2 --seeds 2 --jobs 2 --quiet --out " + (dir / "s").string();
  auto first = runCli("sweep " + data("tiny-chain.yaml") + grid);
  ASSERT_EQ(first.code, 0) << first.output;
  const std::string csv = readFile(dir / "s/sweep.csv");
  // Point 2 lost (a task killed); point 5's log marks which ran again.
  fs::remove(dir / "s/points/0002/results.json");
  fs::remove(dir / "s/points/0005/run.log");
  auto again = runCli("sweep " + data("tiny-chain.yaml") + grid + " --resume");
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_TRUE(fs::exists(dir / "s/points/0002/results.json"));
  EXPECT_FALSE(fs::exists(dir / "s/points/0005/run.log")) << "a finished point ran again";
  EXPECT_EQ(readFile(dir / "s/sweep.csv"), csv);
  // Another sweep in the same directory is not resumed.
  auto other = runCli("sweep " + data("tiny-chain.yaml") + " --param executor.workers=1,3 --seeds 2 --quiet --out " +
                      (dir / "s").string() + " --resume");
  EXPECT_EQ(other.code, 2) << other.output;
  EXPECT_NE(other.output.find("holds a different sweep"), std::string::npos) << other.output;
}

TEST(SweepCommand, SlurmNeedsItsCommandsOnThePath) {
  fs::path dir = schedlab::test::tempDir();
  // A PATH without Slurm's commands (an empty directory).
  fs::create_directories(dir / "bin");
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir / "bin").c_str(), 1);
  auto r = runCli("sweep " + data("tiny-chain.yaml") + " --param executor.workers=1,2 --slurm --out " +
                  (dir / "s").string());
  ::setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--slurm: sbatch is not on the PATH"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "s"));
  auto stray = runCli("sweep " + data("tiny-chain.yaml") + " --param executor.workers=1,2 --array 4");
  EXPECT_EQ(stray.code, 2) << stray.output;
  EXPECT_NE(stray.output.find("--array goes with --slurm"), std::string::npos) << stray.output;
}

TEST(SweepCommand, CapacitySearchFindsTheErlangCMinimum) {
  // mmc-capacity.yaml: Poisson arrivals at 120/h, exponential 60 s tasks, one slot per worker:
  // M/M/c with a = 2 Erlangs. The mean wait for a worker, Wq = C(c, a) / (c mu - lambda), must
  // be at most 12 s: theory says c = 3 waits 26.7 s and c = 4 waits 5.2 s.
  const double lambda = 120.0 / 3600, mu = 1.0 / 60, a = lambda / mu, limit = 12;
  int expected = 0;
  for (int c = 1; c <= 16 && !expected; ++c)
    if (c > a && erlangC(c, a) / (c * mu - lambda) <= limit) expected = c;
  ASSERT_EQ(expected, 4);

  fs::path dir = schedlab::test::tempDir();
  auto r = runCli("sweep " + data("mmc-capacity.yaml") +
                  " --find-min executor.workers=1..16 --subject-to 'metrics.queued_duration_s.mean<=12s' --seeds 2"
                  " --out " +
                  (dir / "cap").string());
  ASSERT_EQ(r.code, 0) << r.output;
  std::string last = r.output.substr(r.output.find_last_of('\n', r.output.size() - 2) + 1);
  EXPECT_EQ(last, "min executor.workers = " + std::to_string(expected) + "\n") << r.output;
  std::string csv = readFile(dir / "cap/sweep.csv");
  EXPECT_NE(csv.find("\n4,base,2,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n3,base,2,"), std::string::npos) << csv;  // the bisection had to look below

  auto none = runCli("sweep " + data("mmc-capacity.yaml") +
                     " --find-min executor.workers=1..2 --subject-to 'metrics.queued_duration_s.mean<=12s' --out " +
                     (dir / "none").string());
  ASSERT_EQ(none.code, 0) << none.output;
  EXPECT_NE(none.output.find("\nnone in range 1..2\n"), std::string::npos) << none.output;
}
