#include "util/RowFile.h"

#include <stdexcept>

namespace schedlab {

RowFile::RowFile(std::string path) : path_(std::move(path)), file_(std::fopen(path_.c_str(), "wb")) {
  if (!file_) throw std::runtime_error("cannot write " + path_);
}

RowFile::~RowFile() {
  if (file_) std::fclose(file_);
}

std::string RowFile::close() {
  const bool ok = std::ferror(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) throw std::runtime_error("cannot write " + path_);
  return path_;
}

}  // namespace schedlab
