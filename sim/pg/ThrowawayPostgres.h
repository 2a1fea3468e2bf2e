// A PostgreSQL cluster of its own for one command or one test: initdb in a fresh directory under
// $TMPDIR (default /tmp; owned by the postgres user when run as root, as initdb refuses root), a free loopback port,
// the unix socket in that directory, no durability (fsync off: nothing here must survive),
// pg_stat_statements loaded (CREATE EXTENSION is the caller's).
// The destructor stops it and removes the directory; so does SIGINT, SIGTERM or SIGHUP, after
// which the process dies of that signal as it would have. When the process dies of SIGKILL, a
// watchdog process does it; and a later start removes directories whose owner (the pid in the
// name, schedlab-pg-<pid>-XXXXXX) is dead.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace schedlab {

class ThrowawayPostgres {
 public:
  // Starts the cluster; throws std::runtime_error quoting initdb's or the server's log on failure
  // (nothing is left behind then either). `settings` are extra "name=value" server settings.
  // `cpus` (taskset's list, e.g. "0" or "0-1"): the only CPUs the server's processes may run on;
  // empty: any.
  explicit ThrowawayPostgres(const std::vector<std::string>& settings = {}, std::string cpus = "");
  ~ThrowawayPostgres();
  ThrowawayPostgres(const ThrowawayPostgres&) = delete;
  ThrowawayPostgres& operator=(const ThrowawayPostgres&) = delete;

  // libpq keyword/value form: host=<socket dir> port=<port> user=postgres dbname=postgres
  std::string connectionString() const;
  int port() const { return port_; }
  const std::filesystem::path& directory() const { return dir_; }
  const std::filesystem::path& dataDirectory() const { return data_; }
  // The server binaries used (initdb, pg_ctl, pgbench): SCHEDLAB_PG_BIN, else the newest
  // /usr/lib/postgresql/<version>/bin.
  static std::filesystem::path binDirectory();

  // Leaves the cluster running when this object goes (and marks its directory so that no later
  // start removes it); returns the shell command that stops and removes it.
  std::string keep();

  // Stops the server, runs `whileStopped` (if any), and starts it again with these extra
  // settings: its shared buffers start empty.
  void restart(const std::vector<std::string>& settings = {}, const std::function<void()>& whileStopped = {});

 private:
  void startServer(const std::vector<std::string>& settings);
  void stopServer();
  std::vector<std::string> asOwner(std::vector<std::string> argv) const;
  std::string tail(const std::filesystem::path& log) const;
  void stopWatchdog();

  std::filesystem::path dir_, data_;
  std::string cpus_;
  int port_ = 0;
  bool running_ = false, kept_ = false;
  int registration_ = -1;  // slot in the signal handler's cleanup table
  pid_t watchdog_ = -1;
  int watchdogPipe_ = -1;  // its end: closed when this process ends
};

}  // namespace schedlab
