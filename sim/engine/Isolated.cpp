#include "engine/Isolated.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include "util/Processes.h"

namespace schedlab {
namespace {

bool writeAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// The child's whole life: what it writes to `fd` is "O" + the result or "E" + the error; it
// exits 0 only once all of it is written. Nothing escapes into the parent's code it was forked
// from (its copies of the parent's children and temporary directories are not its own).
[[noreturn]] void childMain(int fd, const std::function<std::string()>& fn) noexcept {
  try {
    std::string out;
    try {
      out = "O";
      out += fn();
    } catch (const std::exception& e) {
      out = std::string("E") + e.what();
    } catch (...) {
      out = "Eunknown error in simulation";
    }
    ::_exit(writeAll(fd, out) ? 0 : 1);  // skip the SimGrid teardown: the process ends here
  } catch (...) {
    ::_exit(1);
  }
}

// A child running fn, and what it has written so far.
struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string data;
};

Child startChild(const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    dieWithParent(parent);  // a simulation nobody waits for must not run on
    childMain(fds[1], fn);
  }
  ::close(fds[1]);
  return {pid, fds[0], {}};
}

// Reads what is there; false at the end of the child's output.
bool readSome(Child& c) {
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    c.data.append(buf, static_cast<size_t>(n));
    return true;
  }
}

// Reaps the child whose output ended: its result, or (failed) what went wrong. Only a child
// that exited 0 wrote its whole answer.
std::string reap(Child& c, bool& failed) {
  ::close(c.fd);
  c.fd = -1;
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  c.pid = -1;
  std::string data = std::move(c.data);
  failed = true;
  if (WIFSIGNALED(status)) return "simulation process died with signal " + std::to_string(WTERMSIG(status));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || data.empty())
    return "simulation process ended without a result";
  failed = data[0] == 'E';
  data.erase(0, 1);
  return data;
}

}  // namespace

std::string runIsolated(const std::function<std::string()>& fn) {
  return runIsolatedEach(1, 1, [&](size_t) { return fn(); }).front();
}

std::vector<std::string> runIsolatedEach(size_t n, JobLimit limit, const std::function<std::string(size_t)>& fn,
                                         const std::function<void()>& tick, const std::function<void(size_t)>& ended) {
  std::vector<std::string> out(n);
  std::vector<Child> children(n);
  size_t next = 0, running = 0;
  size_t failedAt = n;
  auto stopAll = [&] {
    for (Child& c : children)
      if (c.pid > 0) {
        ::kill(c.pid, SIGKILL);
        ::close(c.fd);
        while (::waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        c.pid = -1;
      }
  };
  try {
    while (failedAt == n && (next < n || running > 0)) {
      while (limit.mayStart(running, n - next)) {
        const size_t i = next++;
        children[i] = startChild([&fn, i] { return fn(i); });
        ++running;
      }
      std::vector<pollfd> fds;
      std::vector<size_t> index;
      for (size_t i = 0; i < n; ++i)
        if (children[i].pid > 0) {
          fds.push_back({children[i].fd, POLLIN, 0});
          index.push_back(i);
        }
      int r = ::poll(fds.data(), fds.size(), tick ? 100 : -1);
      if (r < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
      for (size_t k = 0; r > 0 && k < fds.size(); ++k) {
        if (fds[k].revents == 0) continue;
        Child& c = children[index[k]];
        if (readSome(c)) continue;
        bool failed = false;
        out[index[k]] = reap(c, failed);
        --running;
        if (ended) ended(index[k]);
        if (failed) failedAt = std::min(failedAt, index[k]);
      }
      if (tick) tick();
    }
  } catch (...) {
    stopAll();
    throw;
  }
  stopAll();
  if (failedAt < n) throw IsolatedFailure(failedAt, out[failedAt]);
  return out;
}

}  // namespace schedlab
