// The metadata DB's buffer cache: no disk reads while the DB fits in memory, a growing share of
// the pages once it does not, and a loop that slows down as a DB without archiving outgrows it.
#include <gtest/gtest.h>

#include <sstream>

#include "model/MetadataDb.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

// 10 pages a query, 1 KB a task_instance row, 1 ms a page from disk.
QueryCostModel pagedModel() {
  return QueryCostModel::fromJson(nlohmann::json::parse(R"({
      "storage": {"page_read_s": 0.001},
      "queries": {"default": {"fixed_s": 1e-4, "pages": {"fixed": 10}}},
      "bytes_per_row": {"task_instance": 1000}})"),
                                  "test");
}

MetadbConfig withCache(double bytes) {
  MetadbConfig c;
  c.cacheBytes = bytes;
  return c;
}

// Mean of a time-series column over rows whose time lies in [from, to).
double columnMean(const std::string& csv, const std::string& column, double from, double to) {
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> header;
  const std::string empty = timeseriesCsv({});  // the header alone
  std::stringstream hs(empty.substr(0, empty.find('\n')));
  for (std::string h; std::getline(hs, h, ',');) header.push_back(h);
  size_t col = std::find(header.begin(), header.end(), column) - header.begin();
  size_t timeCol = std::find(header.begin(), header.end(), "time_s") - header.begin();
  double sum = 0;
  int n = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) f.push_back(c);
    double t = std::stod(f.at(timeCol));
    if (t < from || t >= to) continue;
    sum += std::stod(f.at(col));
    ++n;
  }
  return n ? sum / n : -1;
}

}  // namespace

TEST(BufferCache, NoDiskReadsWhileTheDbFitsInMemory) {
  MetadataDb db(withCache(1e6), pagedModel(), {{"task_instance", 500}});
  EXPECT_DOUBLE_EQ(db.sizeBytes(), 5e5);
  EXPECT_EQ(db.missRatio(), 0);
  QueryBatch b = db.batch();
  b.add(QueryType::TriggerRuleDep, 1, 1, 3);
  EXPECT_DOUBLE_EQ(b.pages(), 30);
  EXPECT_EQ(b.diskSeconds(), 0);
}

TEST(BufferCache, AGrowingShareOfPagesComesFromDiskOnceTheDbOutgrowsMemory) {
  MetadataDb db(withCache(1e6), pagedModel(), {{"task_instance", 500}});
  db.addRows(Table::TaskInstance, 1500);  // 2 MB in a 1 MB cache: half the pages miss
  EXPECT_DOUBLE_EQ(db.missRatio(), 0.5);
  QueryBatch b = db.batch();
  b.add(QueryType::TriggerRuleDep, 1, 1, 3);
  EXPECT_DOUBLE_EQ(b.pagesFromDisk(), 15);
  EXPECT_DOUBLE_EQ(b.diskSeconds(), 15 * 0.001);
  EXPECT_DOUBLE_EQ(b.seconds(), 3e-4);  // the CPU part does not change
  db.addRows(Table::TaskInstance, 2000);
  EXPECT_DOUBLE_EQ(db.missRatio(), 0.75);
  db.removeRows(Table::TaskInstance, 3500);  // archiving brings it back into memory
  EXPECT_EQ(db.missRatio(), 0);
  EXPECT_DOUBLE_EQ(db.maxSizeBytes(), 4e6);
}

TEST(BufferCache, NoCacheSizeMeansEverythingIsInMemory) {
  MetadataDb db(withCache(0), pagedModel(), {{"task_instance", 1e9}});
  EXPECT_EQ(db.missRatio(), 0);
}

TEST(BufferCache, TheScenarioPageReadLatencyOverridesTheCalibration) {
  MetadbConfig c = withCache(1e6);
  c.pageReadLatency = 0.004;
  MetadataDb db(c, pagedModel(), {{"task_instance", 2000}});
  EXPECT_DOUBLE_EQ(db.pageReadSeconds(), 0.004);
  EXPECT_DOUBLE_EQ(MetadataDb(withCache(1e6), pagedModel(), {}).pageReadSeconds(), 0.001);
}

TEST(BufferCache, ALongHorizonSlowsTheLoopOnceTheDbOutgrowsItsCache) {
  auto dir = tempDir();
  std::ofstream(dir / "cal.json") << R"({"storage": {"page_read_s": 0.001},
      "queries": {"default": {"fixed_s": 0.0002, "pages": {"fixed": 8}}},
      "bytes_per_row": {"task_instance": 400, "dag_run": 200, "job": 150, "log": 100}})";
  auto run = [&](const char* cache) {
    std::ofstream(dir / "s.yaml") << std::string(R"(
run: {horizon: 1d, warmup: 1h, sample_interval: 1h, task_instances_csv: false}
scheduler: {model: airflow2}
metadb: {calibration: cal.json, cache: )") +
                                         cache + R"(}
dags:
  - {name: d, schedule: 5m, count: 20, tasks: [{shape: chain, count: 10, duration: 20s}]}
)";
    auto s = loadScenario({(dir / "s.yaml").string(), {}, {}});
    return simulate(s[0]);
  };
  // About 58,000 task instances a day: 40 MB with their jobs and logs, in a 10 MB cache.
  RunResult small = run("10MB");
  double early = columnMean(timeseriesRows(small), "scheduler_loop_duration_s", 3600, 4 * 3600);
  double late = columnMean(timeseriesRows(small), "scheduler_loop_duration_s", 20 * 3600, 25 * 3600);
  EXPECT_GT(late, early * 1.3) << early << " s early vs " << late << " s late";
  EXPECT_LT(columnMean(timeseriesRows(small), "db_cache_hit_ratio", 20 * 3600, 25 * 3600), 0.8);
  EXPECT_LT(small.metrics["db_cache_hit_ratio"].get<double>(), 1.0);
  EXPECT_GT(small.metrics["db_pages_read_from_disk"].get<double>(), 0);
  // The same day with memory to spare: no disk reads, a flat loop.
  RunResult big = run("10GB");
  double bigEarly = columnMean(timeseriesRows(big), "scheduler_loop_duration_s", 3600, 4 * 3600);
  double bigLate = columnMean(timeseriesRows(big), "scheduler_loop_duration_s", 20 * 3600, 25 * 3600);
  EXPECT_NEAR(bigLate, bigEarly, 0.05 * bigEarly);
  EXPECT_EQ(big.metrics["db_cache_hit_ratio"], 1.0);
}
