// Runs a function in a forked child process and returns what it returned. SimGrid keeps one
// engine per process, so every simulation runs this way; it also lets variants run in parallel.
#pragma once

#include <functional>
#include <string>

namespace schedlab {

// Throws std::runtime_error with the child's message when the child threw or died.
std::string runIsolated(const std::function<std::string()>& fn);

}  // namespace schedlab
