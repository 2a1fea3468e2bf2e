// Runs functions in forked child processes and returns what they returned. SimGrid keeps one
// engine per process, so every simulation runs this way; it also lets variants run in parallel.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace schedlab {

// Throws std::runtime_error with the child's message when the child threw or died.
std::string runIsolated(const std::function<std::string()>& fn);

// Runs fn(0) .. fn(n - 1), each in a child of its own, at most `jobs` children at once, started in
// index order; returns what each returned, by index. `tick` is called in this process about every
// 100 ms while children run, and `ended(i)` as child i ends.
// REQUIRES: jobs >= 1.
// Throws std::runtime_error with a failed child's message (the lowest index among those ended when
// the failure is seen); the children still running then are stopped and the rest not started.
std::vector<std::string> runIsolatedEach(size_t n, int jobs, const std::function<std::string(size_t)>& fn,
                                         const std::function<void()>& tick = {},
                                         const std::function<void(size_t)>& ended = {});

}  // namespace schedlab
