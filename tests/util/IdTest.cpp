#include "util/Id.h"

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <sstream>
#include <type_traits>
#include <vector>

#include "model/Ids.h"

namespace schedlab {
namespace {

template <class Table, class Key>
constexpr bool kIndexes = requires(Table& t, Key k) {
  t[k];
};

TEST(Id, OneTableIdIsNotAnotherNorABareNumber) {
  EXPECT_FALSE((std::is_convertible_v<DagId, RunId>));
  EXPECT_FALSE((std::is_convertible_v<TiId, RunId>));
  EXPECT_FALSE((std::is_convertible_v<int, TiId>));
  EXPECT_FALSE((std::is_convertible_v<SchedulerId, int>));
  EXPECT_FALSE((std::is_convertible_v<InstanceId, SchedulerId>));
  // A table answers only to its own kind of id.
  EXPECT_TRUE((kIndexes<IdTable<RunId, int>, RunId>));
  EXPECT_FALSE((kIndexes<IdTable<RunId, int>, DagId>));
  EXPECT_FALSE((kIndexes<IdTable<RunId, int>, int>));
}

TEST(Id, ANoneIdAndOrderAsTheNumberUnderneath) {
  EXPECT_FALSE(TiId().valid());
  EXPECT_EQ(TiId().value(), -1);
  EXPECT_TRUE(TiId(0).valid());
  // Sets and sorts keyed by ids keep the order the bare numbers had: results do not move.
  const std::set<TiId> ids{TiId(7), TiId(-1), TiId(3)};
  std::vector<int> order;
  for (TiId id : ids) order.push_back(id.value());
  EXPECT_EQ(order, (std::vector<int>{-1, 3, 7}));
  EXPECT_EQ(TiId(3) + 2, TiId(5));
  EXPECT_EQ(TiId(3) + size_t{4}, TiId(7));
  std::ostringstream printed;
  printed << RunId(42);
  EXPECT_EQ(printed.str(), "42");
}

TEST(IdTable, AddReturnsConsecutiveIdsAndIdsRangeOverThem) {
  IdTable<RunId, double, std::deque<double>> runs;
  EXPECT_EQ(runs.nextId(), RunId(0));
  EXPECT_EQ(runs.add(1.5), RunId(0));
  EXPECT_EQ(runs.add(2.5), RunId(1));
  runs[RunId(1)] += 1;
  std::vector<RunId> seen;
  for (RunId r : runs.ids()) seen.push_back(r);
  EXPECT_EQ(seen, (std::vector<RunId>{RunId(0), RunId(1)}));
  EXPECT_EQ(runs[RunId(1)], 3.5);
  const IdTable<SchedulerId, int> counts(3, 0);
  EXPECT_EQ(counts.size(), 3u);
  int n = 0;
  for (SchedulerId s : IdRange<SchedulerId>(counts.size())) n += counts[s] + 1;
  EXPECT_EQ(n, 3);
}

}  // namespace
}  // namespace schedlab
