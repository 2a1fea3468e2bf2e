// The shipped growth scenario at a CI-sized horizon: tables grow without archiving, the one-week
// cleanup never re-runs anything when it keeps the last run, and does when it does not.
#include <gtest/gtest.h>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

TEST(MetadbGrowth, TwoDaysShowGrowthAndTheGotcha) {
  std::map<std::string, nlohmann::json> v;
  for (auto& s : loadScenario({std::string(SCHEDLAB_SCENARIOS) + "/metadb-growth.yaml", {"run.horizon=2d"}, {}}))
    v[s.variant] = simulate(s).metrics;
  ASSERT_EQ(v.size(), 3u);
  auto rows = [&](const char* variant) { return v[variant]["db_rows"]["task_instance"]["end"].get<double>(); };
  EXPECT_GT(rows("no_archiving"), 100000);
  EXPECT_GT(v["no_archiving"]["db_size_bytes"]["end"].get<double>(), rows("no_archiving") * 391);
  EXPECT_EQ(v["no_archiving"]["dagruns_recreated_by_catchup"], 0);
  EXPECT_EQ(v["retention_1w"]["dagruns_recreated_by_catchup"], 0);
  EXPECT_LT(rows("retention_1w"), rows("no_archiving"));  // the weekly/monthly catch-up runs are old
  EXPECT_GT(v["retention_1w_no_keep"]["dagruns_recreated_by_catchup"].get<int>(), 0);
  for (auto& [name, m] : v) EXPECT_EQ(m["tasks_lost"], 0) << name;
}
