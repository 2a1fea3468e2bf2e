#include <gtest/gtest.h>

#include <string>

#include "util/PagedVector.h"

using schedlab::PagedVector;

TEST(PagedVector, IndexesAcrossPagesAndKeepsReferencesThroughGrowth) {
  PagedVector<std::string, 2> v;  // pages of 4
  EXPECT_TRUE(v.empty());
  for (int i = 0; i < 3; ++i) v.push_back(std::to_string(i));
  std::string* third = &v[2];
  for (int i = 3; i < 11; ++i) v.push_back(std::to_string(i));
  ASSERT_EQ(v.size(), 11u);
  EXPECT_EQ(third, &v[2]);  // the third page's growth moved nothing
  for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i], std::to_string(i));
  v[9] += "!";
  const PagedVector<std::string, 2>& c = v;
  EXPECT_EQ(c[9], "9!");
}

TEST(PagedVector, AReleasedPageLeavesTheOthersAndTheSize) {
  PagedVector<std::string, 2> v;
  for (int i = 0; i < 10; ++i) v.push_back(std::to_string(i));
  v.releasePage(1);  // elements 4..7
  EXPECT_EQ(v.size(), 10u);
  EXPECT_EQ(v[3], "3");
  EXPECT_EQ(v[8], "8");
  v.push_back("10");
  EXPECT_EQ(v[10], "10");
}
