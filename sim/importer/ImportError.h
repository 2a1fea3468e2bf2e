// Input `schedlab import` cannot use: an unreachable server, an unknown schema, a dump missing a
// field, no runs in the window. The CLI prints it and exits with code 2.
#pragma once

#include <stdexcept>

namespace schedlab {

struct ImportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace schedlab
