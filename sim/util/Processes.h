// Child processes: the report's Python, the sweep's parallel `schedlab run`s, PostgreSQL's tools.
#pragma once

#include <sys/types.h>

#include <cstddef>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace schedlab {

// In a child just forked from `parent`: be killed (SIGKILL) when the parent ends, however it ends.
// Exits at once when the parent is already gone. Async-signal-safe.
void dieWithParent(pid_t parent);

// The cores this process may run on (its affinity mask, as nproc counts them); at least 1.
int usableCores();

// `s` single-quoted for a POSIX shell (a quote inside it closed, escaped and reopened).
std::string shellQuote(const std::string& s);

// Runs argv[0] (a path) with its arguments, stdout and stderr inherited or, when `log` is given,
// written to that file; returns its exit code (128 + signal when killed). The child dies with this
// process.
int runAndWait(const std::vector<std::string>& argv, const std::string& log = "");

// How many child processes run at once: `jobs`; with `tailEarly`, once fewer than `jobs` are left
// to start they all start at once, beside those still running (up to 2 × jobs - 1 then). With jobs
// at the cores, no core then idles at the end: 3 equal runs on 2 cores, 2 at a time, end after 2
// runs' time, the third alone; with the tail early all 3 share the cores and end after 1.5.
struct JobLimit {
  // Implicit: a count alone is a plain limit.
  JobLimit(int jobs, bool tailEarly = false) : jobs(jobs), tailEarly(tailEarly) {}
  int jobs;
  bool tailEarly;
  // A `--jobs` option: as given, a plain limit; not given, the usable cores with the tail early.
  static JobLimit fromOption(std::optional<int> given);
  // Whether another may start with `running` running and `left` not started yet.
  bool mayStart(size_t running, size_t left) const;
};

// Runs the commands, in order, as many at once as `limit` allows. `onDone(index, exitCode)` is
// called as each one ends. A command's stdout and stderr go to `logs[index]` when given. Returns
// when all ended.
void runAll(const std::vector<std::vector<std::string>>& commands, const std::vector<std::string>& logs, JobLimit limit,
            const std::function<void(size_t, int)>& onDone);

}  // namespace schedlab
