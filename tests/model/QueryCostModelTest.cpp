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
  QueryCostModel m = QueryCostModel::shipped();
  auto t = QueryType::UpdateStateSelectTis;
  EXPECT_LT(m.seconds(t, 1, 1, 1e4), m.seconds(t, 40, 40, 1e4));
  EXPECT_LT(m.seconds(t, 40, 40, 1e4), m.seconds(t, 40, 40, 1e7));
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
