#include "engine/Isolated.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "util/Processes.h"

namespace schedlab {
namespace {

void writeAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

}  // namespace

std::string runIsolated(const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    dieWithParent(parent);  // a simulation nobody waits for must not run on
    std::string out;
    try {
      out = "O";
      out += fn();
    } catch (const std::exception& e) {
      out = std::string("E") + e.what();
    } catch (...) {
      out = "Eunknown error in simulation";
    }
    writeAll(fds[1], out);
    ::close(fds[1]);
    ::_exit(0);  // skip the SimGrid teardown: the process ends here
  }
  ::close(fds[1]);
  std::string data;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (data.empty()) {
    if (WIFSIGNALED(status))
      throw std::runtime_error("simulation process died with signal " + std::to_string(WTERMSIG(status)));
    throw std::runtime_error("simulation process ended without a result");
  }
  if (data[0] == 'E') throw std::runtime_error(data.substr(1));
  return data.substr(1);
}

}  // namespace schedlab
