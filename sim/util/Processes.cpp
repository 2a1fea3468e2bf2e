#include "util/Processes.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace schedlab {
namespace {

// fork + exec rather than posix_spawn: the child must die with this process (PR_SET_PDEATHSIG),
// whatever kills it, so that no simulation or sweep point runs on unowned. An exec failure comes
// back through a close-on-exec pipe.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> cargs;
  for (const auto& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
  cargs.push_back(nullptr);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(report[0]);
    ::close(report[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::close(report[0]);
    dieWithParent(parent);
    int in = ::open("/dev/null", O_RDONLY);
    if (in >= 0) ::dup2(in, STDIN_FILENO);
    if (!log.empty()) {
      int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || ::dup2(out, STDOUT_FILENO) < 0 || ::dup2(out, STDERR_FILENO) < 0) {
        int e = errno;
        (void)!::write(report[1], &e, sizeof e);
        ::_exit(127);
      }
    }
    ::execve(cargs[0], cargs.data(), environ);
    int e = errno;
    (void)!::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(report[1]);
  int childErrno = 0;
  ssize_t n;
  while ((n = ::read(report[0], &childErrno, sizeof childErrno)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof childErrno)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(childErrno));
  }
  return pid;
}

int exitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int usableCores() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void dieWithParent(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(128 + SIGKILL);  // it died before the line above took effect
}

int runAndWait(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = spawn(argv, log);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("waitpid: " + std::string(std::strerror(errno)));
  return exitCode(status);
}

JobLimit JobLimit::fromOption(std::optional<int> given) {
  return given ? JobLimit(*given) : JobLimit(usableCores(), true);
}

bool JobLimit::mayStart(size_t running, size_t left) const {
  const size_t most = static_cast<size_t>(std::max(jobs, 1));
  return left > 0 && (running < most || (tailEarly && left < most));
}

void runAll(const std::vector<std::vector<std::string>>& commands, const std::vector<std::string>& logs, JobLimit limit,
            const std::function<void(size_t, int)>& onDone) {
  std::map<pid_t, size_t> running;
  size_t next = 0;
  while (next < commands.size() || !running.empty()) {
    while (limit.mayStart(running.size(), commands.size() - next)) {
      running[spawn(commands[next], next < logs.size() ? logs[next] : "")] = next;
      ++next;
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("waitpid: " + std::string(std::strerror(errno)));
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    size_t index = it->second;
    running.erase(it);
    onDone(index, exitCode(status));
  }
}

}  // namespace schedlab
