// Several airflow2 schedulers on one database (scheduler.replicas): they share the work, never
// queue or run a task instance twice, and contend for the critical section's pool rows.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

namespace {

const char* kLoad = R"(
run: {horizon: 2h, warmup: 10m, seed: 2}
scheduler: {model: airflow2, parallelism: 64, client_cost_per_query: 2ms}
executor: {workers: 4, worker_concurrency: 16}
dags:
  - name: etl
    count: 30
    schedule: 2m
    spread: 2m
    tasks:
      - {shape: layered, width: 2, depth: 4, duration: {exponential: 20s}}
)";

// task_instances.csv's last column: the scheduler that queued the try.
std::string queuedBy(const std::string& line) { return line.substr(line.rfind(',') + 1); }

}  // namespace

TEST(HaSchedulers, ReplicasShareTheWorkAndNeverScheduleATaskTwice) {
  auto one = simulate(load(kLoad)[0]);
  auto three = simulate(load(kLoad, {"scheduler.replicas=3"})[0]);
  EXPECT_EQ(one.metrics["critical_section_busy"], 0);
  // The pool rows are taken NOWAIT: a scheduler finding them held skips its critical section.
  EXPECT_GT(three.metrics["critical_section_busy"].get<long long>(), 100);
  // More schedulers send more queries to the same database.
  EXPECT_GT(three.metrics["db_cpu_utilization"].get<double>(), 1.3 * one.metrics["db_cpu_utilization"].get<double>());
  EXPECT_EQ(three.metrics["tasks_lost"], 0);

  std::istringstream in(tisCsv(three));
  std::map<std::string, int> byScheduler;
  std::set<std::string> tries;
  std::map<std::string, std::vector<std::pair<double, double>>> byTi;
  auto rows = parseTis(tisCsv(three));
  size_t i = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const TiRow& r = rows[i++];
    byScheduler[queuedBy(line)]++;
    const std::string ti = r.dag + "/" + r.run + "/" + r.task;
    // Each try of a task instance is queued once, by one scheduler.
    EXPECT_TRUE(tries.insert(ti + "/" + std::to_string(r.tryNumber)).second) << line;
    if (r.queued >= 0) byTi[ti].push_back({r.queued, r.ended < 0 ? 7200 : r.ended});
  }
  EXPECT_GT(byScheduler["main#1"], 1000);
  EXPECT_GT(byScheduler["main#2"], 1000);
  EXPECT_GT(byScheduler["main#3"], 1000);
  // No task instance is queued or running twice at once.
  for (auto& [ti, intervals] : byTi) EXPECT_EQ(maxOverlap(intervals), 1) << ti;
}

TEST(HaSchedulers, OnlyAirflow2RunsSeveralSchedulers) {
  expectLoadError("scheduler: {model: airflow1, replicas: 2}\ndags: [{name: d, schedule: 1h, tasks: [{id: a}]}]\n",
                  "scheduler.replicas: several active schedulers exist only in the airflow2 model");
}
