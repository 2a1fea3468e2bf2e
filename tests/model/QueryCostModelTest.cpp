#include <gtest/gtest.h>

#include "model/QueryCostModel.h"

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
}
