// Runs functions in forked child processes and returns what they returned. SimGrid keeps one
// engine per process, so every simulation runs this way; it also lets variants run in parallel.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/Processes.h"

namespace schedlab {

// A child that threw, died or ended without its whole answer: what went wrong, and which child.
struct IsolatedFailure : std::runtime_error {
  IsolatedFailure(size_t i, const std::string& what) : std::runtime_error(what), index(i) {}
  size_t index;
};

// Throws IsolatedFailure with the child's message when the child threw or died.
std::string runIsolated(const std::function<std::string()>& fn);

// Runs fn(0) .. fn(n - 1), each in a child of its own, as many at once as `limit` allows (see
// JobLimit), started in index order; returns what each returned, by index. `tick` is called in
// this process about every 100 ms while children run, and `ended(i)` as child i ends.
// REQUIRES: limit.jobs >= 1 (fewer is taken as 1).
// Throws IsolatedFailure with a failed child's message and index (the lowest index among those
// ended when the failure is seen); the children still running then are stopped and the rest not
// started.
std::vector<std::string> runIsolatedEach(size_t n, JobLimit limit, const std::function<std::string(size_t)>& fn,
                                         const std::function<void()>& tick = {},
                                         const std::function<void(size_t)>& ended = {});

}  // namespace schedlab
