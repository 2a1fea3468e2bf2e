// `schedlab check`, the CI gate, as CI calls it: identical results pass, a worse run fails.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/TestSupport.h"

namespace fs = std::filesystem;
using schedlab::test::runCli;

namespace {

std::string tinyChain() { return std::string(SCHEDLAB_TEST_DATA) + "/tiny-chain.yaml"; }

}  // namespace

TEST(CheckCommand, PassesOnAnIdenticalRunAndFailsOnAWorseOne) {
  fs::path dir = schedlab::test::tempDir();
  auto base = runCli("run " + tinyChain() + " --quiet --out " + (dir / "base").string());
  ASSERT_EQ(base.code, 0) << base.output;
  auto update =
      runCli("check " + (dir / "base").string() + " --update --baseline " + (dir / "b/baseline.json").string());
  ASSERT_EQ(update.code, 0) << update.output;
  ASSERT_TRUE(fs::exists(dir / "b/baseline.json"));

  auto same = runCli("run " + tinyChain() + " --quiet --out " + (dir / "same").string());
  ASSERT_EQ(same.code, 0);
  auto pass = runCli("check " + (dir / "same").string() + " --baseline " + (dir / "b/baseline.json").string());
  EXPECT_EQ(pass.code, 0) << pass.output;
  EXPECT_NE(pass.output.find("check passed"), std::string::npos) << pass.output;
  EXPECT_NE(pass.output.find(" 0 worse"), std::string::npos) << pass.output;

  // A scheduler that sleeps 10 s between idle loops starts tasks later: a latency regression.
  auto worse = runCli("run " + tinyChain() + " --quiet --set scheduler.scheduler_idle_sleep_time=10s --out " +
                      (dir / "worse").string());
  ASSERT_EQ(worse.code, 0) << worse.output;
  auto fail = runCli("check " + (dir / "worse").string() + " --baseline " + (dir / "b/baseline.json").string());
  EXPECT_EQ(fail.code, 1) << fail.output;
  EXPECT_NE(fail.output.find("metrics.task_transition_latency_s.p95"), std::string::npos) << fail.output;
  EXPECT_NE(fail.output.find("WORSE"), std::string::npos) << fail.output;
  EXPECT_NE(fail.output.find("check FAILED"), std::string::npos) << fail.output;

  // A generous tolerance lets the same change through.
  auto tolerant = runCli("check " + (dir / "worse").string() + " --tolerance 100000% --baseline " +
                         (dir / "b/baseline.json").string());
  EXPECT_EQ(tolerant.code, 0) << tolerant.output;
}

TEST(CheckCommand, BadInputExitsTwo) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_EQ(runCli("run " + tinyChain() + " --quiet --out " + (dir / "r").string()).code, 0);
  auto missing = runCli("check " + (dir / "r").string() + " --baseline " + (dir / "nope.json").string());
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.output.find("create it with --update"), std::string::npos) << missing.output;
  EXPECT_EQ(runCli("check " + (dir / "r").string()).code, 2);  // no --baseline
  EXPECT_EQ(runCli("check " + (dir / "r").string() + " --tolerance lots --baseline x").code, 2);
  // A number past a double's range is not valid JSON here (a fuzzer's finding: it escaped as exit 1).
  std::ofstream(dir / "huge.json") << R"({"variants": [{"name": "v", "metrics": {"cost": 1e4777777}}]})";
  auto huge = runCli("check " + (dir / "r").string() + " --baseline " + (dir / "huge.json").string());
  EXPECT_EQ(huge.code, 2) << huge.output;
  EXPECT_NE(huge.output.find("huge.json: not a results.json"), std::string::npos) << huge.output;
}

TEST(CheckCommand, AGateCannotPassByAccident) {
  fs::path dir = schedlab::test::tempDir();
  ASSERT_EQ(runCli("run " + tinyChain() + " --quiet --out " + (dir / "r").string()).code, 0);
  const std::string run = (dir / "r").string();
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  struct Case {
    std::string baseline, expect;
  };
  const std::string realBaseline = run + "/results.json";
  const std::vector<Case> bad = {
      {write("novariants.json", R"({"scenario": "tiny-chain"})"), "no \"variants\" list"},
      {write("emptylist.json", R"({"scenario": "tiny-chain", "variants": []})"), "nothing to compare"},
      {write("emptymap.json", R"({"scenario": "tiny-chain", "variants": {}})"), "no \"variants\" list"},
      {write("array.json", "[1, 2]"), "got a JSON array"},
      {dir.string(), "is a directory"},
  };
  for (const Case& c : bad) {
    auto out = runCli("check " + run + " --baseline " + c.baseline);
    EXPECT_EQ(out.code, 2) << c.baseline << "\n" << out.output;
    EXPECT_NE(out.output.find(c.expect), std::string::npos) << out.output;
  }
  // A figure that is a string, or null, is named.
  std::string text = schedlab::test::readFile(realBaseline);
  auto at = text.find("\"p95\": ");
  ASSERT_NE(at, std::string::npos);
  auto end = text.find_first_of(",\n}", at + 7);
  std::string damaged = text.substr(0, at + 7) + "\"fast\"" + text.substr(end);
  auto named = runCli("check " + run + " --baseline " + write("string.json", damaged));
  EXPECT_EQ(named.code, 2) << named.output;
  EXPECT_NE(named.output.find("is string, expected a number"), std::string::npos) << named.output;
  // Tolerances that let everything through are refused.
  for (const char* t : {"nan%", "inf%", "-1%", "nan"}) {
    auto out = runCli("check " + run + " --tolerance " + t + " --baseline " + realBaseline);
    EXPECT_EQ(out.code, 2) << t << "\n" << out.output;
  }
  // A results directory without results.json.
  fs::create_directories(dir / "empty");
  EXPECT_EQ(runCli("check " + (dir / "empty").string() + " --baseline " + realBaseline).code, 2);
}
