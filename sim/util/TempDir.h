// A private directory under the system's temporary directory, removed with everything in it
// when the object goes away.
#pragma once

#include <filesystem>
#include <string>

namespace schedlab {

class TempDir {
 public:
  // Throws std::runtime_error when it cannot be created. `prefix`: the start of its name.
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace schedlab
