#include <gtest/gtest.h>

#include <cmath>

#include "model/QueryCostModel.h"
#include "support/TestSupport.h"

using namespace schedlab;

TEST(QueryCostModel, ShippedCalibrationCoversEveryQueryType) {
  QueryCostModel m = QueryCostModel::shipped();
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    auto t = static_cast<QueryType>(i);
    EXPECT_GT(m.seconds(t, 1, 1, 1000), 0) << kQueries[i].name;
  }
  EXPECT_GT(m.bytesPerRow(Table::TaskInstance), 0);
}

TEST(QueryCostModel, CostGrowsWithRowsAndTableSize) {
  QueryCostModel m = QueryCostModel::fromJson(nlohmann::json::parse(R"({"queries": {"default":
      {"fixed_s": 1e-4, "per_row_scanned_s": 1e-6, "per_row_returned_s": 2e-6, "per_decade_s": 1e-5}}})"),
                                              "test");
  auto t = QueryType::UpdateStateSelectTis;
  EXPECT_DOUBLE_EQ(m.seconds(t, 40, 40, 0), 1e-4 + 40e-6 + 80e-6);
  EXPECT_LT(m.seconds(t, 1, 1, 1e4), m.seconds(t, 40, 40, 1e4));
  EXPECT_NEAR(m.seconds(t, 40, 40, 1e7) - m.seconds(t, 40, 40, 1e4), 3e-5, 1e-9);  // three decades
}

TEST(QueryCostModel, BelowTheSmallestSizeMeasuredTheCostStopsFalling) {
  auto model = [](const char* extra) {
    return QueryCostModel::fromJson(nlohmann::json::parse(std::string(R"({"queries": {"default":
        {"fixed_s": 1e-4, "per_row_scanned_s": 0, "per_row_returned_s": 0, "per_decade_s": 1e-5,
         "pages": {"fixed": 2, "per_row_scanned": 0, "per_row_returned": 0, "per_decade": 1})") +
                                                          extra + "}}}"),
                                    "test");
  };
  const auto t = QueryType::TriggerRuleDep;
  const QueryCostModel clamped = model(R"(, "min_decades": 3)"), line = model("");
  // Below 999 rows (log10(1 + rows) < 3): the cost at 3 decades, seconds and pages alike.
  EXPECT_DOUBLE_EQ(clamped.seconds(t, 1, 1, 0), 1e-4 + 3e-5);
  EXPECT_DOUBLE_EQ(clamped.seconds(t, 1, 1, 99), 1e-4 + 3e-5);
  EXPECT_DOUBLE_EQ(clamped.pages(t, 1, 1, 99), 2 + 3);
  EXPECT_DOUBLE_EQ(line.seconds(t, 1, 1, 99), 1e-4 + 2e-5);  // without it, the line all the way down
  // From there on the line, as without it.
  EXPECT_DOUBLE_EQ(clamped.seconds(t, 1, 1, 1e5), line.seconds(t, 1, 1, 1e5));
  EXPECT_THROW(model(R"(, "min_decades": -1)"), std::runtime_error);
}

TEST(QueryCostModel, ShippedCalibrationNeverGetsCheaperWithTableSize) {
  QueryCostModel m = QueryCostModel::shipped();
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    auto t = static_cast<QueryType>(i);
    EXPECT_LE(m.seconds(t, 1, 1, 1e4), m.seconds(t, 1, 1, 1e7)) << kQueries[i].name;
  }
}

TEST(QueryCostModel, ShippedCalibrationRecordsHowItWasMeasured) {
  const QueryCostModel m = QueryCostModel::shipped();
  const nlohmann::json& p = m.provenance();
  for (const char* key : {"command", "date", "machine", "postgres"})
    EXPECT_TRUE(p.contains(key) && p[key].is_string() && !p[key].get<std::string>().empty()) << key;
  EXPECT_EQ(p["postgres"].get<std::string>().substr(0, 3), "15.");
  // What `schedlab calibrate` measured, not a hand-made file.
  EXPECT_EQ(p["status"], "live");
  EXPECT_EQ(p["command"].get<std::string>().rfind("schedlab calibrate", 0), 0u);
  EXPECT_LE(std::fabs(p["harness_check"]["difference_pct"].get<double>()), 10.0);
}

TEST(QueryCostModel, RejectsMalformedCalibration) {
  auto bad = [](const char* text) {
    try {
      QueryCostModel::fromJson(nlohmann::json::parse(text), "cal.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(bad(R"({})").find("cal.json: queries: missing"), std::string::npos);
  EXPECT_NE(bad(R"({"queries": {"nonsense": {}}})").find("queries.nonsense: unknown query type"), std::string::npos);
  EXPECT_NE(bad(R"({"queries": {"default": {"fixed_s": -1}}})").find("fixed_s: expected a non-negative"),
            std::string::npos);
  EXPECT_NE(bad(R"({"queries": {"trigger_rule_dep": {"fixed_s": 1}}})").find("missing (and no default)"),
            std::string::npos);
  EXPECT_NE(bad(R"({"queries": {"default": {"fixed_s": 1}}, "api_server": {}})").find("api_server"), std::string::npos);
}

TEST(QueryCostModel, ACalibrationFromBeforeAirflow3DerivesItsTypesFromTheWorkersStatements) {
  nlohmann::json old =
      nlohmann::json::parse(test::readFile(std::string(SCHEDLAB_TESTS) + "/../sim/calibration/default.json"));
  for (const char* t : {"api_ti_run", "api_ti_state", "api_ti_heartbeat", "api_xcom_set", "dag_processor_parse"})
    old["queries"].erase(t);
  const QueryCostModel derived = QueryCostModel::fromJson(old, "old.json"), shipped = QueryCostModel::shipped();
  // As calibrate costs them: the worker's single-row statements, the dag table's.
  EXPECT_NEAR(derived.cost(QueryType::ApiTiHeartbeat).seconds.fixed,
              shipped.cost(QueryType::ApiTiHeartbeat).seconds.fixed, 1e-9);
  EXPECT_NEAR(derived.cost(QueryType::ApiTiRun).pages.perDecade, shipped.cost(QueryType::ApiTiRun).pages.perDecade,
              1e-2);
  EXPECT_NEAR(derived.cost(QueryType::DagProcessorParse).seconds.fixed,
              shipped.cost(QueryType::DagProcessorParse).seconds.fixed, 1e-9);
}

TEST(QueryCostModel, TheApiServersRequestCostIsMeasuredOrAbsent) {
  // The shipped calibration carries the FastAPI proxy's figure and the versions it ran on.
  const QueryCostModel shipped = QueryCostModel::shipped();
  EXPECT_GT(shipped.apiRequestCost(), 1e-5);
  EXPECT_LT(shipped.apiRequestCost(), 0.01);
  const nlohmann::json raw =
      nlohmann::json::parse(test::readFile(std::string(SCHEDLAB_TESTS) + "/../sim/calibration/default.json"));
  EXPECT_TRUE(raw["api_server"]["libraries"].contains("fastapi"));
  EXPECT_TRUE(raw["api_server"]["libraries"].contains("pydantic"));
  // A calibration without it says so (-1): airflow3's `request_cost: measured` is then refused.
  EXPECT_LT(QueryCostModel::fromJson(nlohmann::json::parse(R"({"queries": {"default": {"fixed_s": 1}}})"), "t")
                .apiRequestCost(),
            0);
}

TEST(QueryCostModel, ReadsPagesAndTheCostOfAPageFromDisk) {
  QueryCostModel m = QueryCostModel::fromJson(nlohmann::json::parse(R"({"storage": {"page_read_s": 2e-4},
      "queries": {"default": {"fixed_s": 1e-4, "pages": {"fixed": 3, "per_row_returned": 0.5, "per_decade": 1}}}})"),
                                              "test");
  EXPECT_DOUBLE_EQ(m.pageReadSeconds(), 2e-4);
  EXPECT_NEAR(m.pages(QueryType::UpdateStateSelectTis, 40, 40, 999), 3 + 20 + 3, 1e-9);
  EXPECT_EQ(m.pages(QueryType::UpdateStateSelectTis, 40, 40, 999), m.pages(QueryType::SyncDag, 40, 40, 999));
}

TEST(QueryCostModel, ShippedCalibrationMeasuredPagesAndDiskReads) {
  const QueryCostModel m = QueryCostModel::shipped();
  EXPECT_GT(m.pageReadSeconds(), 0);
  EXPECT_LT(m.pageReadSeconds(), 0.05);  // a page, not a seek on a tape
  for (auto t : {QueryType::TriggerRuleDep, QueryType::UpdateStateSelectTis, QueryType::TiMergeScheduled,
                 QueryType::CreateDagRunChecks})
    EXPECT_GE(m.pages(t, 1, 1, 1e6), 1) << kQueries[static_cast<size_t>(t)].name;
  // A run's 40 task instances sit on more pages than 10 of them.
  EXPECT_GT(m.pages(QueryType::UpdateStateSelectTis, 40, 40, 1e6),
            m.pages(QueryType::UpdateStateSelectTis, 10, 10, 1e6));
}

TEST(QueryCostModel, RejectsMalformedPages) {
  try {
    QueryCostModel::fromJson(nlohmann::json::parse(R"({"queries": {"default": {"pages": {"fixed": -2}}}})"),
                             "cal.json");
    FAIL() << "negative pages accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cal.json: queries.default.pages.fixed: expected a non-negative"),
              std::string::npos)
        << e.what();
  }
}

TEST(QueryCostModel, ClientCostsArePerQueryAndRowReturnedOrWritten) {
  nlohmann::json j = nlohmann::json::parse(R"({"queries": {"default": {"fixed_s": 1e-4}}, "client_costs":
      {"queries": {}}})");
  for (const QueryInfo& q : kQueries)
    if (q.schedulerSide) j["client_costs"]["queries"][std::string(q.name)] = {{"fixed_s", 5e-4}, {"per_row_s", 2e-5}};
  j["client_costs"]["queries"]["dagrun_insert"]["per_row_of"] = "written";
  const QueryCostModel m = QueryCostModel::fromJson(j, "test");
  ASSERT_TRUE(m.hasClientCosts());
  EXPECT_DOUBLE_EQ(m.clientSeconds(QueryType::UpdateStateSelectTis, 1000, 40), 5e-4 + 40 * 2e-5);  // rows mapped
  EXPECT_DOUBLE_EQ(m.clientSeconds(QueryType::DagRunInsert, 40, 0), 5e-4 + 40 * 2e-5);             // rows written
  EXPECT_FALSE(
      QueryCostModel::fromJson(nlohmann::json::parse(R"({"queries": {"default": {}}})"), "t").hasClientCosts());
  nlohmann::json typed = j;
  typed["client_costs"]["queries"]["sync_dag"]["per_row_of"] = 3;
  EXPECT_THROW(QueryCostModel::fromJson(typed, "t"), std::runtime_error);
  // Every type the scheduler sends, or the file is refused, naming the one missing.
  j["client_costs"]["queries"].erase("bulk_queue_tis");
  try {
    QueryCostModel::fromJson(j, "cal.json");
    FAIL() << "a missing type was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cal.json: client_costs.queries.bulk_queue_tis: missing"), std::string::npos)
        << e.what();
  }
}
