// A run's result crosses from the simulating process and back unchanged: every row, every double
// exactly, names with any characters.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "results/CsvTables.h"
#include "results/RunResult.h"
#include "support/TestSupport.h"

using namespace schedlab;

TEST(RunResult, RoundTripsThroughItsTransportExactly) {
  RunResult r;
  r.variant = "v";
  r.metrics["tasks_lost"] = 0;
  r.tries.push_back({"dag:1", "scheduled__0_1", "t\n2 x", 3, "success", 0.1 + 0.2, -1, 1e-9, 12345.678901234567,
                     std::numeric_limits<double>::infinity(), "pool-1", ""});
  r.tries.push_back({"", "", "", 0, "", -1, -1, -1, -1, -1, "", "main#2"});
  r.timeseries.push_back({60, 0.25, 3, 0.1, 2, 5, 1, 1e6, 10, 1});
  r.poolSamples.push_back({60, "cpu", 2, 1, 3, 4, 0.5});
  r.scaling.push_back({120, "cpu", false, 3, 2, 0, 1, 0.1});
  const RunResult back = RunResult::fromJson(nlohmann::json::parse(r.toJson().dump()));
  ASSERT_EQ(back.tries.size(), 2u);
  const TaskTryRow& a = back.tries[0];
  EXPECT_EQ(a.dagId, "dag:1");
  EXPECT_EQ(a.taskId, "t\n2 x");
  EXPECT_EQ(a.tryNumber, 3);
  EXPECT_EQ(a.created, 0.1 + 0.2);  // exactly, not to 6 decimals
  EXPECT_EQ(a.queued, 1e-9);
  EXPECT_EQ(a.started, 12345.678901234567);
  EXPECT_TRUE(std::isinf(a.ended));
  EXPECT_EQ(a.hostname, "pool-1");
  EXPECT_EQ(back.tries[1].queuedBy, "main#2");
  EXPECT_EQ(back.tries[1].dagId, "");
  EXPECT_EQ(back.timeseries.at(0).loopDuration, 0.25);
  EXPECT_EQ(back.poolSamples.at(0).pool, "cpu");
  EXPECT_FALSE(back.scaling.at(0).out);
  EXPECT_EQ(back.metrics, r.metrics);
}

TEST(RunResult, AMalformedTableIsRefused) {
  nlohmann::json j = RunResult{}.toJson();
  j["tries"] = "3:abc";  // a row cut short
  EXPECT_THROW(RunResult::fromJson(j), std::runtime_error);
  j["tries"] = "99:abc";  // a length past the end
  EXPECT_THROW(RunResult::fromJson(j), std::runtime_error);
}

TEST(RunResult, StreamedRowsAreCopiedIntoTaskInstancesCsvInRunOrder) {
  const auto dir = schedlab::test::tempDir();
  const std::string streamed = (dir / "0.csv").string();
  RunResult a, b;
  a.variant = "a";
  a.tries.push_back({"d", "r", "t", 1, "success", 0, 1, 2, 3, 4, "w", "main"});
  {
    std::ofstream out(streamed);
    out << taskInstanceCsvRow("a", {"d", "r", "u", 1, "failed", 0, 1, 2, 3, 5, "w", ""});
  }
  a.triesFile = streamed;
  b.variant = "b";
  b.triesFile = (dir / "empty.csv").string();
  std::ofstream(b.triesFile).close();
  const std::string csv = taskInstancesCsv({a, b});
  EXPECT_EQ(csv.substr(csv.find('\n') + 1),
            "a,d,r,t,1,success,0.000000,1.000000,2.000000,3.000000,4.000000,w,main\n"
            "a,d,r,u,1,failed,0.000000,1.000000,2.000000,3.000000,5.000000,w,\n");
  EXPECT_EQ(RunResult::fromJson(nlohmann::json::parse(a.toJson().dump())).triesFile, streamed);
  b.triesFile = (dir / "missing.csv").string();
  EXPECT_THROW(taskInstancesCsv({b}), std::runtime_error);
}
