// Child processes: the report's Python, and the sweep's parallel `schedlab run`s.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace schedlab::cli {

// Runs argv[0] (a path) with its arguments, inheriting stdout and stderr; returns its exit code
// (128 + signal when killed).
int runAndWait(const std::vector<std::string>& argv);

// Runs up to `jobs` commands at once, in order. `onDone(index, exitCode)` is called as each one
// ends. A command's stdout and stderr go to `logs[index]` when given. Returns when all ended.
void runAll(const std::vector<std::vector<std::string>>& commands, const std::vector<std::string>& logs, int jobs,
            const std::function<void(size_t, int)>& onDone);

}  // namespace schedlab::cli
