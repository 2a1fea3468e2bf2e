#include "engine/EngineArguments.h"

#include <cstdlib>
#include <sstream>

namespace schedlab {

EngineArguments::EngineArguments(const std::string& program, const std::vector<std::string>& extra) {
  words_.push_back(program);
  words_.insert(words_.end(), extra.begin(), extra.end());
  if (const char* env = std::getenv("SCHEDLAB_SIMGRID_CFG"); env && *env) {
    std::istringstream in(env);
    for (std::string w; in >> w;) words_.push_back(w);
  }
  for (auto& w : words_) pointers_.push_back(w.data());
  pointers_.push_back(nullptr);
  argc_ = static_cast<int>(words_.size());
}

}  // namespace schedlab
