// One field of a CSV row (RFC 4180): as it is, or quoted when it holds a comma, a quote or a line
// break, so a name a user chose cannot shift the columns of a row.
#pragma once

#include <string>
#include <string_view>

namespace schedlab {

std::string csvField(std::string_view text);
// The same appended to `row`, without a string of its own (a row per task try).
void appendCsvField(std::string& row, std::string_view text);

}  // namespace schedlab
