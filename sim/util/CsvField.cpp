#include "util/CsvField.h"

namespace schedlab {

std::string csvField(std::string_view text) {
  std::string out;
  appendCsvField(out, text);
  return out;
}

void appendCsvField(std::string& row, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    row.append(text);
    return;
  }
  row.push_back('"');
  for (char c : text) {
    if (c == '"') row.push_back('"');
    row.push_back(c);
  }
  row.push_back('"');
}

}  // namespace schedlab
