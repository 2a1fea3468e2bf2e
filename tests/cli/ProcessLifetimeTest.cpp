// Nothing schedlab starts outlives it, whatever ends it: a run's simulation children and a sweep's
// point processes die with their parent, and a throwaway PostgreSQL is stopped and its directory
// removed after SIGHUP (the handler) or SIGKILL (the watchdog); a later start removes what a dead
// owner left.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "pg/ThrowawayPostgres.h"
#include "support/TestSupport.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// A TMPDIR for a throwaway cluster: the postgres user (the server's owner when run as root) must
// be able to enter it.
fs::path clusterTmp() {
  fs::path tmp = schedlab::test::tempDir();
  fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  return tmp;
}

// Starts schedlab with `args` (TMPDIR set to `tmp`), output discarded.
pid_t start(const std::vector<std::string>& args, const fs::path& tmp) {
  std::vector<std::string> argv = {SCHEDLAB_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("TMPDIR", tmp.c_str(), 1);
    ::freopen("/dev/null", "w", stdout);
    ::freopen("/dev/null", "w", stderr);
    ::execv(cargs[0], cargs.data());
    ::_exit(127);
  }
  return pid;
}

// Alive: in the process table and not a zombie.
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

// Every process below `root` now.
std::set<pid_t> descendants(pid_t root) {
  std::set<pid_t> found{root};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string name = e.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(e.path() / "stat");
      std::string line;
      if (!std::getline(stat, line)) continue;
      auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      int ppid = 0;
      char state = 0;
      if (std::sscanf(line.c_str() + close + 2, "%c %d", &state, &ppid) != 2) continue;
      pid_t pid = std::stoi(name);
      if (found.count(ppid) && found.insert(pid).second) grew = true;
    }
  }
  found.erase(root);
  return found;
}

// Waits up to `seconds` for `done`.
template <typename F>
bool within(double seconds, F done) {
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

void reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// The running cluster's directory under `tmp` and its postmaster's pid, once it is up.
std::pair<fs::path, pid_t> clusterUp(const fs::path& tmp, double seconds) {
  std::pair<fs::path, pid_t> up{{}, 0};
  within(seconds, [&] {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(tmp, ec)) {
      std::ifstream pidFile(e.path() / "data/postmaster.pid");
      pid_t pid = 0;
      if (pidFile >> pid && pid > 0 && alive(pid) && fs::exists(e.path() / "pg_ctl.log")) {
        up = {e.path(), pid};
        return true;
      }
    }
    return false;
  });
  return up;
}

}  // namespace

TEST(ProcessLifetime, ARunsAndASweepsChildrenDieWithItHoweverItEnds) {
  const fs::path dir = schedlab::test::tempDir();
  const std::string longRun = std::string(SCHEDLAB_SCENARIOS) + "/metadb-growth.yaml";
  struct Case {
    std::vector<std::string> args;
    int signal;
  };
  const std::vector<Case> cases = {
      {{"run", longRun, "--quiet", "--out", (dir / "a").string()}, SIGKILL},
      {{"run", longRun, "--quiet", "--out", (dir / "b").string()}, SIGTERM},
      {{"run", longRun, "--quiet", "--out", (dir / "c").string()}, SIGINT},
      {{"sweep", longRun, "--param", "executor.workers=4,5", "--jobs", "2", "--quiet", "--out", (dir / "d").string()},
       SIGKILL},
  };
  for (const Case& c : cases) {
    const pid_t pid = start(c.args, dir);
    std::set<pid_t> children;
    // The simulating grandchildren of a sweep appear a moment after its point processes.
    ASSERT_TRUE(within(20,
                       [&] {
                         children = descendants(pid);
                         return children.size() >= (c.args[0] == "sweep" ? 4u : 1u);
                       }))
        << c.args[0] << " started no child";
    ::kill(pid, c.signal);
    reap(pid);
    EXPECT_TRUE(within(5,
                       [&] {
                         for (pid_t child : children)
                           if (alive(child)) return false;
                         return true;
                       }))
        << c.args[0] << ": a child outlived its parent after signal " << c.signal;
    for (pid_t child : children) ::kill(child, SIGKILL);  // tidy up after a failure
  }
}

TEST(ProcessLifetime, AThrowawayPostgresDoesNotOutliveItsOwner) {
  for (int signal : {SIGHUP, SIGKILL}) {
    const fs::path tmp = clusterTmp();
    const pid_t pid = start({"calibrate", "--quick", "--out", (tmp / "cal.json").string()}, tmp);
    auto [cluster, postmaster] = clusterUp(tmp, 60);
    ASSERT_GT(postmaster, 0) << "no cluster came up";
    EXPECT_EQ(cluster.filename().string().rfind("schedlab-pg-" + std::to_string(pid) + "-", 0), 0u) << cluster;
    ::kill(pid, signal);
    reap(pid);
    EXPECT_TRUE(within(20, [&] { return !alive(postmaster) && !fs::exists(cluster); }))
        << "signal " << signal << " left the server (" << alive(postmaster) << ") or " << cluster;
    if (alive(postmaster)) ::kill(postmaster, SIGKILL);
  }
}

TEST(ProcessLifetime, AStartRemovesTheClustersOfDeadOwners) {
  const fs::path tmp = clusterTmp();
  // A pid that was just reaped belongs to nobody.
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  reap(dead);
  const fs::path stale = tmp / ("schedlab-pg-" + std::to_string(dead) + "-abcdef");
  const fs::path living = tmp / ("schedlab-pg-" + std::to_string(::getppid()) + "-abcdef");
  for (const fs::path& d : {stale, living}) {
    fs::create_directories(d / "data");
    std::ofstream(d / "data/PG_VERSION") << "15\n";
  }
  ::setenv("TMPDIR", tmp.c_str(), 1);
  {
    schedlab::ThrowawayPostgres pg;
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_TRUE(fs::exists(living));  // its owner still runs
  }
  ::unsetenv("TMPDIR");
}

TEST(ProcessLifetime, AServerThatNeverAnswersDoesNotHangCalibrateOrLive) {
  // A socket that listens and never accepts: the kernel completes the handshake, nobody answers.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url =
      "postgresql://airflow:s3cret@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/airflow?connect_timeout=2";
  const fs::path dir = schedlab::test::tempDir();
  for (const std::string& command :
       {"calibrate --quick --pg '" + url + "' --out " + (dir / "cal.json").string(),
        "live " + std::string(SCHEDLAB_SCENARIOS) + "/live-check.yaml --duration 5s --pg '" + url + "' --out " +
            (dir / "live").string()}) {
    const auto begin = Clock::now();
    auto r = schedlab::test::runCli(command);
    const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_LT(seconds, 8) << command;
    EXPECT_NE(r.output.find("airflow:***@127.0.0.1"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("s3cret"), std::string::npos) << r.output;
  }
  ::close(fd);
}
