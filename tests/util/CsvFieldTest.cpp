#include <gtest/gtest.h>

#include "util/CsvField.h"

using schedlab::csvField;

TEST(CsvField, QuotesOnlyWhatWouldShiftAColumn) {
  EXPECT_EQ(csvField("etl_daily.v2"), "etl_daily.v2");
  EXPECT_EQ(csvField(""), "");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvField("cr\r"), "\"cr\r\"");
}
