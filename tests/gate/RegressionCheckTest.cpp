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

TEST(RegressionCheck, AGateThatComparedNothingFails) {
  // A baseline variant with no gated figure: every row would be skipped, and the gate with them.
  auto bare = results(5, 10, 0);
  bare["variants"][0]["metrics"] = nlohmann::json::object();
  bare["variants"][0].erase("slas");
  auto r = compareResults(bare, results(5, 10, 0), 0.05);
  EXPECT_EQ(r.compared(), 0u);
  EXPECT_TRUE(r.failed());
  EXPECT_FALSE(compareResults(results(5, 10, 0), results(5, 10, 0), 0.05).failed());
}

TEST(RegressionCheck, ADamagedBaselineIsNamedNotSkipped) {
  auto text = results(5, 10, 0);
  text["variants"][0]["metrics"]["worker_hours"] = "10";
  EXPECT_THROW(
      {
        try {
          compareResults(text, results(5, 10, 0), 0.05);
        } catch (const std::invalid_argument& e) {
          EXPECT_STREQ(e.what(), "variant 'v': metrics.worker_hours is string, expected a number");
          throw;
        }
      },
      std::invalid_argument);
  auto null = results(5, 10, 0);
  null["variants"][0]["metrics"]["task_transition_latency_s"]["p95"] = nullptr;
  EXPECT_THROW(compareResults(null, results(5, 10, 0), 0.05), std::invalid_argument);
}

TEST(RegressionCheck, OnlyAResultsDocumentIsCompared) {
  EXPECT_EQ(resultsDocumentProblem(results(5, 10, 0)), "");
  EXPECT_EQ(resultsDocumentProblem(nlohmann::json::array()), "expected a results.json object, got a JSON array");
  EXPECT_EQ(resultsDocumentProblem({{"scenario", "x"}}), "no \"variants\" list");
  EXPECT_EQ(resultsDocumentProblem({{"variants", nlohmann::json::object()}}), "no \"variants\" list");
  EXPECT_EQ(resultsDocumentProblem({{"variants", nlohmann::json::array()}}),
            "\"variants\" is empty: there is nothing to compare");
  EXPECT_EQ(resultsDocumentProblem({{"variants", {1}}}), "variants[0] is a JSON number, expected an object");
  EXPECT_EQ(resultsDocumentProblem({{"variants", {{{"name", "v"}}}}}), "variants[0] ('v') has no \"metrics\" object");
  EXPECT_EQ(resultsDocumentProblem({{"scenario", 3}, {"variants", {{{"name", "v"}}}}}), "\"scenario\" is not a string");
}

TEST(RegressionCheck, AFigureNeitherWayBetterFailsWhenItMovesEitherWay) {
  auto withDeferred = [](long long n) {
    auto r = results(5, 10, 0);
    r["variants"][0]["metrics"]["deferred_tries"] = n;
    return r;
  };
  EXPECT_EQ(verdictOf(compareResults(withDeferred(100), withDeferred(104), 0.05), "metrics.deferred_tries"),
            Verdict::Within);
  EXPECT_EQ(verdictOf(compareResults(withDeferred(100), withDeferred(110), 0.05), "metrics.deferred_tries"),
            Verdict::Worse);
  EXPECT_EQ(verdictOf(compareResults(withDeferred(100), withDeferred(90), 0.05), "metrics.deferred_tries"),
            Verdict::Worse);
}
