// The command line a SimGrid engine is created with: the program's name, then the --cfg=...
// settings of SCHEDLAB_SIMGRID_CFG (space-separated), e.g. "--cfg=contexts/factory:thread", which
// AddressSanitizer needs (it cannot follow SimGrid's default raw context switches).
#pragma once

#include <string>
#include <vector>

namespace schedlab {

class EngineArguments {
 public:
  // `extra`: settings of the caller's own, before the environment's (which win).
  explicit EngineArguments(const std::string& program, const std::vector<std::string>& extra = {});
  int* argc() { return &argc_; }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> words_;
  std::vector<char*> pointers_;
  int argc_ = 0;
};

}  // namespace schedlab
