// Where live measurements run: a throwaway cluster the tool starts itself (the default), or a
// user's existing server (`--pg postgresql://…`). Each layout and history size is loaded into a
// schema of its own, so all of them stay loaded and measurements can go round them in turns
// (a drift of the machine's speed then hits every size alike). On a user's server nothing is
// created outside schemas named schedlab_<pid>_<time>_…, all dropped again at the end.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "pg/AirflowSchema.h"
#include "pg/ThrowawayPostgres.h"

namespace schedlab {

class BenchDatabase {
 public:
  // url empty: start a throwaway cluster (with these extra server settings, on `clusterCpus` if
  // not empty: see ThrowawayPostgres). Throws std::runtime_error when it cannot connect.
  explicit BenchDatabase(const std::string& url = "", const std::vector<std::string>& clusterSettings = {},
                         const std::string& clusterCpus = "");
  ~BenchDatabase();
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;

  // Creates the layout's tables in a schema for this history and fills them, unless that is
  // done already; true when it loaded.
  bool load(SchemaLayout layout, const History& h);
  // A new connection whose search_path is that loaded layout and history's schema.
  std::unique_ptr<pqxx::connection> connect(SchemaLayout layout, const History& h) const;
  std::string schemaOf(SchemaLayout layout, const History& h) const;
  // A new empty schema named <prefix>_<name> (re-created if it exists), dropped at the end like
  // the others; returns its name.
  std::string freshSchema(const std::string& name);
  // A new connection whose search_path is `schema`.
  std::unique_ptr<pqxx::connection> connectTo(const std::string& schema) const;
  // The prefix of every schema this object creates ("schedlab_<pid>_<time>" on a user's server).
  const std::string& schemaPrefix() const { return prefix_; }

  // Leaves every schema (and a throwaway cluster, running) in place when this object goes, for
  // a person to read; returns how to remove them (a shell command, or SQL on a user's server).
  std::string keep();

  // Throwaway cluster only: restarts the server with `settings` after `whileStopped` ran.
  void restartCluster(const std::vector<std::string>& settings, const std::function<void()>& whileStopped);

  // "throwaway PostgreSQL 15.x in /tmp/…", or "PostgreSQL 15.x (schemas schedlab_…)".
  std::string describe() const;
  std::string serverVersion() const;
  const std::string& connectionString() const { return conninfo_; }
  // How messages name the server: "the throwaway PostgreSQL", or the user's URL, password masked.
  std::string serverName() const;
  ThrowawayPostgres* cluster() const { return cluster_.get(); }
  // Throwaway cluster only (a no-op elsewhere): autovacuum holds off, and the workers under way
  // stop, until the returned guard goes. Its workers would count as the server's CPU in
  // measurements that read it, and share its cores.
  std::shared_ptr<void> pauseAutovacuum();
  // The postmaster's pid when the server is the throwaway cluster on this machine, else 0.
  int serverPid() const;

 private:
  std::unique_ptr<ThrowawayPostgres> cluster_;
  std::string conninfo_;
  std::string url_;  // the user's, empty for a throwaway cluster
  std::string prefix_;
  std::unique_ptr<pqxx::connection> admin_;
  std::map<std::string, bool> schemas_;  // created -> loaded
  bool kept_ = false;
};

}  // namespace schedlab
