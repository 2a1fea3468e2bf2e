// One field of a CSV row (RFC 4180): as it is, or quoted when it holds a comma, a quote or a line
// break, so a name a user chose cannot shift the columns of a row.
#pragma once

#include <string>
#include <string_view>

namespace schedlab {

std::string csvField(std::string_view text);

}  // namespace schedlab
