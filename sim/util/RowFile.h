// A file rows are appended to as a run goes (task_instances.csv's and loops.csv's rows of one
// variant), so a long run holds none of them in memory; a failed write surfaces at close().
#pragma once

#include <cstdio>
#include <string>

namespace schedlab {

class RowFile {
 public:
  // Throws std::runtime_error when `path` cannot be created.
  explicit RowFile(std::string path);
  ~RowFile();
  RowFile(const RowFile&) = delete;
  RowFile& operator=(const RowFile&) = delete;

  void append(const std::string& row) { std::fwrite(row.data(), 1, row.size(), file_); }
  // Flushes and closes the file; returns its path. Throws std::runtime_error when a write failed.
  // REQUIRES: called once.
  std::string close();

 private:
  std::string path_;
  std::FILE* file_;
};

}  // namespace schedlab
