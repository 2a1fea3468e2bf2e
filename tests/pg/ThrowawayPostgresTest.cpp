// The throwaway cluster the live commands and tests use: a PostgreSQL 15 of its own on loopback
// and a unix socket in its temp dir, gone after the object, after SIGINT, and after a failed start.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "pg/ThrowawayPostgres.h"

using namespace schedlab;
namespace fs = std::filesystem;

namespace {

bool somethingListensOn(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TEST(ThrowawayPostgres, ServesOnLoopbackAndASocketInItsDirThenLeavesNothing) {
  fs::path dir;
  int port = 0;
  {
    ThrowawayPostgres pg;
    dir = pg.directory();
    port = pg.port();
    EXPECT_TRUE(fs::exists(dir / (".s.PGSQL." + std::to_string(port))));
    pqxx::connection c(pg.connectionString());
    pqxx::nontransaction tx(c);
    EXPECT_EQ(tx.exec1("SHOW server_version")[0].as<std::string>().substr(0, 3), "15.");
    EXPECT_EQ(tx.exec1("SHOW listen_addresses")[0].as<std::string>(), "127.0.0.1");
    EXPECT_EQ(tx.exec1("SHOW fsync")[0].as<std::string>(), "off");
    EXPECT_EQ(tx.exec1("SELECT 6 * 7")[0].as<int>(), 42);
    EXPECT_TRUE(somethingListensOn(port));
    if (::geteuid() == 0) {
      struct stat st {};
      ASSERT_EQ(::stat(pg.dataDirectory().c_str(), &st), 0);
      EXPECT_NE(st.st_uid, 0u) << "the data directory belongs to postgres, not root";
    }
  }
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(somethingListensOn(port));
}

TEST(ThrowawayPostgres, RestartsWithNewSettings) {
  ThrowawayPostgres pg;
  pg.restart({"track_io_timing=on"});
  pqxx::connection c(pg.connectionString());
  pqxx::nontransaction tx(c);
  EXPECT_EQ(tx.exec1("SHOW track_io_timing")[0].as<std::string>(), "on");
}

// The CPUs a process may run on, as /proc/PID/status lists them ("0", "0-1").
std::string cpusOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Cpus_allowed_list:", 0) == 0) return line.substr(line.find_first_not_of(" \t", 18));
  return "";
}

TEST(ThrowawayPostgres, PinnedToCpusItsPostmasterAndBackendsStayOnThem) {
  ThrowawayPostgres pg({}, "0");
  pqxx::connection c(pg.connectionString());
  pqxx::nontransaction tx(c);
  const int backend = tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
  std::ifstream pidFile(pg.dataDirectory() / "postmaster.pid");
  int postmaster = 0;
  pidFile >> postmaster;
  ASSERT_GT(postmaster, 0);
  EXPECT_EQ(cpusOf(postmaster), "0");
  EXPECT_EQ(cpusOf(backend), "0");
  EXPECT_NE(cpusOf(::getpid()), "0");  // the caller is not pinned with it (this machine has 2 cores)
}

TEST(ThrowawayPostgres, AFailedStartSaysWhyAndLeavesNothing) {
  // Its own TMPDIR, so clusters of tests running beside it do not count.
  char tmpl[] = "/tmp/schedlab-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  ::chmod(tmpl, 0755);  // the postgres user must reach the cluster's directory inside
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", tmpl, 1);
  try {
    ThrowawayPostgres pg({"no_such_setting=1"});
    ADD_FAILURE() << "a server with an unknown setting started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_setting"), std::string::npos) << e.what();
  }
  if (old)
    ::setenv("TMPDIR", saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  EXPECT_TRUE(fs::is_empty(tmpl)) << tmpl;
  fs::remove_all(tmpl);
}

TEST(ThrowawayPostgres, CtrlCStopsTheServerAndRemovesItsDirectory) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    ThrowawayPostgres pg;
    std::string msg = pg.directory().string() + " " + std::to_string(pg.port()) + "\n";
    (void)!::write(fds[1], msg.data(), msg.size());
    ::close(fds[1]);
    ::raise(SIGINT);
    ::_exit(0);  // not reached: SIGINT ends the process
  }
  ::close(fds[1]);
  char buf[512] = {};
  ssize_t n = ::read(fds[0], buf, sizeof buf - 1);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_GT(n, 0);
  std::string dir;
  int port = 0;
  std::istringstream(buf) >> dir >> port;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  EXPECT_FALSE(fs::exists(dir)) << dir;
  EXPECT_FALSE(somethingListensOn(port));
}
