#include <gtest/gtest.h>

#include "gate/RegressionCheck.h"

using namespace schedlab;

namespace {

nlohmann::json results(double p95, double workerHours, long long lost, bool slaMet = true) {
  nlohmann::json v = {
      {"name", "v"},
      {"metrics",
       {{"task_transition_latency_s", {{"count", 100}, {"mean", 1.0}, {"p50", 1.0}, {"p95", p95}, {"p99", 9.0}}},
        {"worker_hours", workerHours},
        {"tasks_lost", lost},
        {"tasks_succeeded", 100}}},
      {"slas", {{{"name", "s"}, {"met", slaMet}}}}};
  return {{"scenario", "x"}, {"variants", {v}}};
}

Verdict verdictOf(const CheckReport& r, const std::string& metric) {
  for (const auto& row : r.rows)
    if (row.metric == metric) return row.verdict;
  ADD_FAILURE() << "no row " << metric;
  return Verdict::Unchanged;
}

}  // namespace

TEST(RegressionCheck, IdenticalResultsPass) {
  auto r = compareResults(results(5, 10, 0), results(5, 10, 0), 0.05);
  EXPECT_FALSE(r.failed());
  for (const auto& row : r.rows) EXPECT_EQ(row.verdict, Verdict::Unchanged) << row.metric;
  EXPECT_GE(r.rows.size(), 7u);
}

TEST(RegressionCheck, WorseBeyondToleranceFailsWithinDoesNot) {
  auto worse = compareResults(results(5, 10, 0), results(5.5, 10, 0), 0.05);
  EXPECT_TRUE(worse.failed());
  EXPECT_EQ(verdictOf(worse, "metrics.task_transition_latency_s.p95"), Verdict::Worse);

  auto within = compareResults(results(5, 10, 0), results(5.2, 10, 0), 0.05);
  EXPECT_FALSE(within.failed());
  EXPECT_EQ(verdictOf(within, "metrics.task_transition_latency_s.p95"), Verdict::Within);

  auto better = compareResults(results(5, 10, 0), results(2, 8, 0), 0.05);
  EXPECT_FALSE(better.failed());
  EXPECT_EQ(verdictOf(better, "metrics.worker_hours"), Verdict::Better);
}

TEST(RegressionCheck, CostLossesAndSlasAreGated) {
  EXPECT_TRUE(compareResults(results(5, 10, 0), results(5, 12, 0), 0.05).failed());  // cost
  auto lost = compareResults(results(5, 10, 0), results(5, 10, 1), 0.05);            // from zero
  EXPECT_TRUE(lost.failed());
  EXPECT_EQ(verdictOf(lost, "metrics.tasks_lost"), Verdict::Worse);
  EXPECT_TRUE(compareResults(results(5, 10, 0), results(5, 10, 0, false), 0.05).failed());
  EXPECT_FALSE(compareResults(results(5, 10, 0, false), results(5, 10, 0, true), 0.05).failed());
  // A task run twice at once, or longer without a scheduler, fails the gate.
  for (const char* key : {"tasks_run_twice_at_once", "scheduler_unavailable_s"}) {
    auto base = results(5, 10, 0), now = results(5, 10, 0);
    base["variants"][0]["metrics"][key] = 0;
    now["variants"][0]["metrics"][key] = 1;
    auto r = compareResults(base, now, 0.05);
    EXPECT_TRUE(r.failed()) << key;
    EXPECT_EQ(verdictOf(r, std::string("metrics.") + key), Verdict::Worse);
  }
}

TEST(RegressionCheck, AMissingVariantOrFigureFails) {
  auto now = results(5, 10, 0);
  now["variants"][0]["name"] = "renamed";
  auto r = compareResults(results(5, 10, 0), now, 0.05);
  EXPECT_TRUE(r.failed());
  auto gone = results(5, 10, 0);
  gone["variants"][0]["metrics"].erase("worker_hours");
  EXPECT_TRUE(compareResults(results(5, 10, 0), gone, 0.05).failed());
}
