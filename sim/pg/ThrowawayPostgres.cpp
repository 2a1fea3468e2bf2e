#include "pg/ThrowawayPostgres.h"

#include "pg/ServerCpu.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "util/Processes.h"

namespace fs = std::filesystem;

namespace schedlab {
namespace {

// Clean-up commands of the clusters alive in this process, run by the signal handler. They are
// built when a cluster starts, so the handler only forks and execs (both async-signal-safe).
constexpr int kMaxClusters = 8;
constexpr size_t kCommandSize = 1024;
std::array<std::array<char, kCommandSize>, kMaxClusters> cleanupCommands{};
std::array<volatile sig_atomic_t, kMaxClusters> cleanupUsed{};
std::mutex registryMutex;
struct sigaction previousInt {
}, previousTerm{}, previousHup{};
bool handlersInstalled = false;

void onSignal(int sig) {
  for (int i = 0; i < kMaxClusters; ++i) {
    if (!cleanupUsed[i]) continue;
    pid_t pid = ::fork();
    if (pid == 0) {
      const char* argv[] = {"/bin/sh", "-c", cleanupCommands[i].data(), nullptr};
      ::execv("/bin/sh", const_cast<char* const*>(argv));
      ::_exit(127);
    }
    if (pid > 0) ::waitpid(pid, nullptr, 0);
    cleanupUsed[i] = 0;
  }
  // Die of the signal as the process would have without us.
  ::sigaction(sig, sig == SIGINT ? &previousInt : sig == SIGHUP ? &previousHup : &previousTerm, nullptr);
  ::raise(sig);
}

int registerCleanup(const std::string& command) {
  if (command.size() >= kCommandSize) throw std::runtime_error("temp directory path too long for clean-up");
  std::lock_guard<std::mutex> lock(registryMutex);
  if (!handlersInstalled) {
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &previousInt);
    ::sigaction(SIGTERM, &sa, &previousTerm);
    ::sigaction(SIGHUP, &sa, &previousHup);  // the terminal closed
    handlersInstalled = true;
  }
  for (int i = 0; i < kMaxClusters; ++i) {
    if (cleanupUsed[i]) continue;
    std::memcpy(cleanupCommands[i].data(), command.c_str(), command.size() + 1);
    cleanupUsed[i] = 1;
    return i;
  }
  throw std::runtime_error("more than 8 throwaway PostgreSQL clusters at once");
}

void unregisterCleanup(int slot) {
  std::lock_guard<std::mutex> lock(registryMutex);
  if (slot >= 0) cleanupUsed[slot] = 0;
}

// A port nothing listens on now: the kernel's pick for a socket bound to port 0.
int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  if (port == 0) throw std::runtime_error("no free loopback port");
  return port;
}

constexpr const char* kDirPrefix = "schedlab-pg-";
constexpr const char* kKeptMarker = "KEPT";  // a cluster left running on purpose

// Stops the cluster in `dir` if one runs there and removes the directory. A second removal a
// moment later catches an initdb that was still writing when the first one ran.
std::string cleanupCommand(const fs::path& dir) {
  return (::geteuid() == 0 ? std::string("/usr/sbin/runuser -u postgres -- ") : std::string()) +
         shellQuote((ThrowawayPostgres::binDirectory() / "pg_ctl").string()) + " -D " +
         shellQuote((dir / "data").string()) + " -m immediate -w stop >/dev/null 2>&1; rm -rf " +
         shellQuote(dir.string()) + "; sleep 1; rm -rf " + shellQuote(dir.string());
}

// A process that outlives nothing: it waits for the end of the pipe this process holds, which
// comes when this process ends however it ends (SIGKILL included), and then runs `command`.
// Returns its pid and the pipe's write end.
std::pair<pid_t, int> startWatchdog(const std::string& command) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    // Async-signal-safe calls only. The terminal's signals are the owner's to handle.
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGTERM, SIG_IGN);
    ::close(fds[1]);
    for (int fd = 3; fd < 1024; ++fd)
      if (fd != fds[0]) ::close(fd);  // no other pipe of the owner's may wait on us
    char c;
    while (::read(fds[0], &c, 1) < 0 && errno == EINTR) {
    }
    ::execv("/bin/sh", const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(fds[0]);
  return {pid, fds[1]};
}

// Clusters of earlier processes that died without cleaning up (their directory names their pid).
void removeStaleClusters(const fs::path& tmp) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tmp, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kDirPrefix, 0) != 0) continue;
    const long owner = std::atol(name.c_str() + std::strlen(kDirPrefix));
    if (owner <= 0 || owner == ::getpid()) continue;
    if (fs::exists(entry.path() / kKeptMarker)) continue;                       // kept on purpose (`live --keep-db`)
    if (::kill(static_cast<pid_t>(owner), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    runAndWait({"/bin/sh", "-c", cleanupCommand(entry.path())});
  }
}

}  // namespace

fs::path ThrowawayPostgres::binDirectory() {
  if (const char* env = std::getenv("SCHEDLAB_PG_BIN"); env && *env) return env;
  fs::path best;
  int bestVersion = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(entry.path().filename().c_str());
    if (version > bestVersion && fs::exists(entry.path() / "bin" / "initdb")) {
      bestVersion = version;
      best = entry.path() / "bin";
    }
  }
  if (best.empty())
    throw std::runtime_error(
        "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)");
  return best;
}

std::vector<std::string> ThrowawayPostgres::asOwner(std::vector<std::string> argv) const {
  if (::geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return argv;
}

std::string ThrowawayPostgres::tail(const fs::path& log) const {
  std::ifstream in(log);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

ThrowawayPostgres::ThrowawayPostgres(const std::vector<std::string>& settings, std::string cpus)
    : cpus_(std::move(cpus)) {
  const char* tmp = std::getenv("TMPDIR");
  const fs::path tmpDir = tmp && *tmp ? tmp : "/tmp";
  removeStaleClusters(tmpDir);
  std::string tmpl = (tmpDir / (kDirPrefix + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
  dir_ = tmpl;
  data_ = dir_ / "data";
  try {
    if (::geteuid() == 0) {
      struct passwd* pw = ::getpwnam("postgres");
      if (!pw) throw std::runtime_error("running as root needs the postgres user (apt-get install postgresql)");
      if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("chown " + dir_.string() + ": " + std::strerror(errno));
    }
    port_ = freePort();
    const fs::path bin = binDirectory();
    // Stop the server and remove the directory: what a signal does for us (built now, run
    // there), and what the watchdog does when this process is gone without either.
    const std::string stop = cleanupCommand(dir_);
    registration_ = registerCleanup(stop);
    std::tie(watchdog_, watchdogPipe_) = startWatchdog(stop);
    const fs::path initLog = dir_ / "initdb.log";
    int rc = runAndWait(asOwner({(bin / "initdb").string(), "-D", data_.string(), "-U", "postgres", "--auth=trust",
                                 "-E", "UTF8", "--no-sync"}),
                        initLog.string());
    if (rc != 0) throw std::runtime_error("initdb failed (exit " + std::to_string(rc) + "):\n" + tail(initLog));
    startServer(settings);
  } catch (...) {
    unregisterCleanup(registration_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
    stopWatchdog();
    throw;
  }
}

std::string ThrowawayPostgres::keep() {
  std::ofstream(dir_ / kKeptMarker) << "left running by schedlab (pid " << ::getpid() << "); stop and remove it with:\n"
                                    << cleanupCommand(dir_) << "\n";
  unregisterCleanup(registration_);
  registration_ = -1;
  stopWatchdog();
  kept_ = true;
  return cleanupCommand(dir_);
}

ThrowawayPostgres::~ThrowawayPostgres() {
  if (kept_) return;
  try {
    stopServer();
  } catch (...) {
  }
  unregisterCleanup(registration_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
  stopWatchdog();
}

void ThrowawayPostgres::stopWatchdog() {
  // Everything is cleaned up already: the watchdog has nothing left to do.
  if (watchdog_ > 0) {
    ::kill(watchdog_, SIGKILL);
    while (::waitpid(watchdog_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (watchdogPipe_ >= 0) ::close(watchdogPipe_);
  watchdog_ = -1;
  watchdogPipe_ = -1;
}

void ThrowawayPostgres::startServer(const std::vector<std::string>& settings) {
  std::string options = "-p " + std::to_string(port_) + " -k " + dir_.string() +
                        " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  for (const char* s : kStatementStatsSettings) options += std::string(" -c ") + s;
  for (const auto& s : settings) options += " -c " + s;
  const fs::path log = dir_ / "server.log";
  std::vector<std::string> start = asOwner({(binDirectory() / "pg_ctl").string(), "-D", data_.string(), "-w", "-t",
                                            "60", "-l", log.string(), "-o", options, "start"});
  // The postmaster, and every backend it forks, inherits the CPUs pg_ctl was started on.
  if (!cpus_.empty()) start.insert(start.begin(), {"/usr/bin/taskset", "-c", cpus_});
  int rc = runAndWait(start, (dir_ / "pg_ctl.log").string());
  if (rc != 0)
    throw std::runtime_error("PostgreSQL did not start (pg_ctl exit " + std::to_string(rc) + "):\n" + tail(log));
  running_ = true;
}

void ThrowawayPostgres::stopServer() {
  if (!running_) return;
  running_ = false;
  runAndWait(asOwner({(binDirectory() / "pg_ctl").string(), "-D", data_.string(), "-m", "fast", "-w", "stop"}),
             (dir_ / "pg_ctl.log").string());
}

void ThrowawayPostgres::restart(const std::vector<std::string>& settings, const std::function<void()>& whileStopped) {
  stopServer();
  if (whileStopped) whileStopped();
  startServer(settings);
}

std::string ThrowawayPostgres::connectionString() const {
  return "host=" + dir_.string() + " port=" + std::to_string(port_) + " user=postgres dbname=postgres";
}

}  // namespace schedlab
