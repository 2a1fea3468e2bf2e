#include <gtest/gtest.h>

#include <stdexcept>

#include "model/TaskInstances.h"

using namespace schedlab;

namespace {

TaskInstance make(int run, int task, TiState state) {
  TaskInstance ti;
  ti.run = RunId(run);
  ti.task = task;
  ti.state = state;
  ti.tryNumber = 1;
  return ti;
}

}  // namespace

TEST(TaskInstanceStore, APageIsReleasedOnlyOnceEveryOneOfItsTaskInstancesIsRetired) {
  constexpr size_t kPage = TaskInstanceStore::kPageSize;
  TaskInstanceStore store;
  for (size_t i = 0; i < kPage + 3; ++i)
    store.add(make(static_cast<int>(i / 10), static_cast<int>(i % 10), i % 2 ? TiState::Success : TiState::Failed));
  ASSERT_EQ(store.size(), kPage + 3);
  // Retire all but the last of the first page: nothing is given back yet, everything is whole.
  for (size_t i = 0; i + 1 < kPage; ++i) store.retire(TiId(i));
  EXPECT_EQ(store.releasedPages(), 0u);
  EXPECT_FALSE(store.released(TiId(0)));
  EXPECT_EQ(store[TiId(5)].tryNumber, 1);
  store.retire(TiId(kPage - 1));
  EXPECT_EQ(store.releasedPages(), 1u);
  EXPECT_TRUE(store.released(TiId(0)));
  EXPECT_FALSE(store.released(TiId(kPage)));
  // What stays readable is what it was.
  for (size_t i : {size_t{0}, size_t{7}, kPage - 1}) {
    const TiId id(i);
    EXPECT_EQ(store.state(id), i % 2 ? TiState::Success : TiState::Failed) << i;
  }
  // The rest is gone, and reading it is an error, not a read of freed memory.
  EXPECT_THROW(store[TiId(3)], std::logic_error);
  // The next page is untouched, and ids go on.
  EXPECT_EQ(store[TiId(kPage + 2)].task, static_cast<int>((kPage + 2) % 10));
  EXPECT_EQ(store.nextId(), TiId(kPage + 3));
}

TEST(TaskInstanceStore, AnUnfilledPageIsNotReleased) {
  TaskInstanceStore store;
  for (int i = 0; i < 5; ++i) store.add(make(0, i, TiState::Success));
  for (int i = 0; i < 5; ++i) store.retire(TiId(i));
  EXPECT_EQ(store.releasedPages(), 0u);
  EXPECT_EQ(store[TiId(4)].task, 4);
}
