// How many processes run at once: a plain limit, or the tail started early so that no core idles.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "util/Processes.h"

using schedlab::JobLimit;

namespace {

struct Outcome {
  double makespan = 0;
  size_t most = 0;  // processes at once, at the most
};

// n tasks of one core-second each, started in order as `limit` allows, on `cores` cores shared
// evenly among the running ones (as the OS shares them).
Outcome run(size_t n, JobLimit limit, int cores) {
  Outcome o;
  std::vector<double> left;  // work left of each running task
  size_t started = 0;
  while (started < n || !left.empty()) {
    while (limit.mayStart(left.size(), n - started)) left.push_back(1.0), ++started;
    o.most = std::max(o.most, left.size());
    const double rate = std::min(1.0, static_cast<double>(cores) / static_cast<double>(left.size()));
    const double step = *std::min_element(left.begin(), left.end()) / rate;
    o.makespan += step;
    for (double& w : left) w -= step * rate;
    std::erase_if(left, [](double w) { return w <= 1e-12; });
  }
  return o;
}

}  // namespace

TEST(JobLimit, AGivenJobsIsAPlainLimitAndNoneTheCoresWithTheTailEarly) {
  const JobLimit given = JobLimit::fromOption(3), none = JobLimit::fromOption(std::nullopt);
  EXPECT_EQ(given.jobs, 3);
  EXPECT_FALSE(given.tailEarly);
  EXPECT_EQ(none.jobs, schedlab::usableCores());
  EXPECT_TRUE(none.tailEarly);
}

TEST(JobLimit, APlainLimitStartsAtMostThatMany) {
  const JobLimit two(2);
  EXPECT_TRUE(two.mayStart(0, 3));
  EXPECT_TRUE(two.mayStart(1, 2));
  EXPECT_FALSE(two.mayStart(2, 1));
  EXPECT_FALSE(two.mayStart(0, 0));
  EXPECT_TRUE(JobLimit(0).mayStart(0, 1));  // taken as 1
  EXPECT_FALSE(JobLimit(0).mayStart(1, 1));
  // Three tasks on two cores, two at a time: the third runs alone while a core idles.
  EXPECT_DOUBLE_EQ(run(3, two, 2).makespan, 2.0);
  EXPECT_EQ(run(3, two, 2).most, 2u);
}

TEST(JobLimit, WithTheTailEarlyNoCoreIdlesWhileWorkIsLeft) {
  EXPECT_TRUE(JobLimit(2, true).mayStart(2, 1));  // the last one, beside the two running
  EXPECT_FALSE(JobLimit(2, true).mayStart(2, 2));
  EXPECT_DOUBLE_EQ(run(3, JobLimit(2, true), 2).makespan, 1.5);  // metadb-growth's three variants
  for (int cores = 1; cores <= 8; ++cores)
    for (size_t n = 1; n <= 40; ++n) {
      const Outcome early = run(n, JobLimit(cores, true), cores);
      // As soon as n core-seconds can end on the cores, never later than the plain limit, and
      // fewer than twice the cores at once.
      EXPECT_NEAR(early.makespan, std::max(1.0, static_cast<double>(n) / cores), 1e-9) << n << " on " << cores;
      EXPECT_LE(early.makespan, run(n, JobLimit(cores), cores).makespan + 1e-9);
      EXPECT_LT(early.most, static_cast<size_t>(2 * cores)) << n << " on " << cores;
    }
}
