// Where live measurements run: a throwaway cluster the tool starts itself (the default), or a
// user's existing server (`--pg postgresql://…`), where nothing is created outside a schema the
// tool names (schedlab_<pid>_<time>) and drops again at the end.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "pg/AirflowSchema.h"
#include "pg/ThrowawayPostgres.h"

namespace schedlab {

class BenchDatabase {
 public:
  // url empty: start a throwaway cluster. Throws std::runtime_error when it cannot connect.
  explicit BenchDatabase(const std::string& url = "");
  ~BenchDatabase();
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;

  // A new connection whose search_path is the tool's schema (on a user's server).
  std::unique_ptr<pqxx::connection> connect() const;
  // Creates the layout's tables and fills them with `h`, unless they already hold exactly that;
  // true when it loaded.
  bool load(SchemaLayout layout, const History& h);
  // Throwaway cluster only: restarts the server with `settings` after `whileStopped` ran.
  void restartCluster(const std::vector<std::string>& settings, const std::function<void()>& whileStopped);
  const std::optional<SchemaLayout>& layout() const { return layout_; }
  const History& history() const { return history_; }

  // "throwaway PostgreSQL 15.x on /tmp/…", or "postgresql://host/db, schema schedlab_…".
  std::string describe() const;
  std::string serverVersion() const;
  // The libpq connection string and, for pgbench, its arguments (-h -p -U -d).
  const std::string& connectionString() const { return conninfo_; }
  ThrowawayPostgres* cluster() const { return cluster_.get(); }
  const std::string& schema() const { return schema_; }

 private:
  std::unique_ptr<ThrowawayPostgres> cluster_;
  std::string conninfo_;
  std::string schema_;  // on a user's server only
  std::unique_ptr<pqxx::connection> admin_;
  std::optional<SchemaLayout> layout_;
  History history_;
};

}  // namespace schedlab
