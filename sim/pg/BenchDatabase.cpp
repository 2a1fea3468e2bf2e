#include "pg/BenchDatabase.h"

#include "pg/ConnectionString.h"

#include <unistd.h>
#include <chrono>
#include <fstream>
#include <thread>

#include <ctime>

namespace schedlab {

BenchDatabase::BenchDatabase(const std::string& url, const std::vector<std::string>& clusterSettings,
                             const std::string& clusterCpus) {
  if (url.empty()) {
    cluster_ = std::make_unique<ThrowawayPostgres>(clusterSettings, clusterCpus);
    conninfo_ = cluster_->connectionString();
    prefix_ = "schedlab";
  } else {
    conninfo_ = withConnectTimeout(url);
    url_ = url;
    prefix_ = "schedlab_" + std::to_string(::getpid()) + "_" + std::to_string(std::time(nullptr));
  }
  try {
    admin_ = std::make_unique<pqxx::connection>(conninfo_);
  } catch (const std::exception& e) {
    // The user's URL may hold a password: it is not repeated on the terminal or in CI logs.
    throw std::runtime_error(maskPassword(
        "cannot connect to " + (url.empty() ? std::string("the throwaway PostgreSQL") : url) + ": " + e.what(), url));
  }
  if (cluster_) pqxx::nontransaction(*admin_).exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
}

std::string BenchDatabase::keep() {
  kept_ = true;
  if (cluster_) return cluster_->keep();
  std::string sql;
  for (const auto& [schema, loaded] : schemas_) sql += "DROP SCHEMA " + schema + " CASCADE; ";
  return sql;
}

BenchDatabase::~BenchDatabase() {
  if (kept_ || cluster_ || !admin_) return;  // a throwaway cluster goes as a whole
  for (const auto& [schema, loaded] : schemas_) {
    try {
      pqxx::nontransaction(*admin_).exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (...) {
      // The server went away: nothing left to drop that we could reach.
    }
  }
}

std::string BenchDatabase::schemaOf(SchemaLayout layout, const History& h) const {
  return prefix_ + "_" +
         (layout == SchemaLayout::Airflow110 ? "a110"
          : layout == SchemaLayout::Airflow2 ? "a25"
                                             : "a31") +
         "_" + std::to_string(h.taskInstances) + "_" + std::to_string(h.dags) + "x" + std::to_string(h.tasks);
}

std::unique_ptr<pqxx::connection> BenchDatabase::connect(SchemaLayout layout, const History& h) const {
  const std::string schema = schemaOf(layout, h);
  auto it = schemas_.find(schema);
  if (it == schemas_.end() || !it->second) throw std::runtime_error("BenchDatabase: " + schema + " is not loaded");
  return connectTo(schema);
}

std::unique_ptr<pqxx::connection> BenchDatabase::connectTo(const std::string& schema) const {
  auto c = std::make_unique<pqxx::connection>(conninfo_);
  pqxx::nontransaction(*c).exec("SET search_path TO " + schema);
  return c;
}

std::string BenchDatabase::freshSchema(const std::string& name) {
  const std::string schema = prefix_ + "_" + name;
  schemas_[schema] = true;
  pqxx::nontransaction(*admin_).exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return schema;
}

bool BenchDatabase::load(SchemaLayout layout, const History& h) {
  const std::string schema = schemaOf(layout, h);
  auto it = schemas_.find(schema);
  if (it != schemas_.end() && it->second) return false;
  schemas_[schema] = false;  // created, half-loaded until populate returns
  pqxx::nontransaction(*admin_).exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  pqxx::connection c(conninfo_);
  pqxx::nontransaction(c).exec("SET search_path TO " + schema);
  createSchema(c, layout);
  populate(c, layout, h);
  schemas_[schema] = true;
  return true;
}

void BenchDatabase::restartCluster(const std::vector<std::string>& settings,
                                   const std::function<void()>& whileStopped) {
  if (!cluster_) throw std::runtime_error("only a throwaway cluster can be restarted");
  admin_.reset();
  cluster_->restart(settings, whileStopped);
  admin_ = std::make_unique<pqxx::connection>(conninfo_);
}

std::string BenchDatabase::serverName() const {
  return cluster_ ? "the throwaway PostgreSQL" : maskPassword(url_, url_);
}

std::string BenchDatabase::serverVersion() const {
  return pqxx::nontransaction(*admin_).exec1("SHOW server_version")[0].as<std::string>();
}

std::string BenchDatabase::describe() const {
  if (cluster_) return "throwaway PostgreSQL " + serverVersion() + " in " + cluster_->directory().string();
  return "PostgreSQL " + serverVersion() + " (schemas " + prefix_ + "_*)";
}

std::shared_ptr<void> BenchDatabase::pauseAutovacuum() {
  if (!cluster_) return nullptr;
  auto set = [this](const std::string& statement) {
    pqxx::nontransaction tx(*admin_);
    tx.exec(statement);
    tx.exec("SELECT pg_reload_conf()");
  };
  set("ALTER SYSTEM SET autovacuum = off");
  // The workers under way stop (the tables were vacuumed and analysed on loading; what a worker
  // leaves undone the next one does), and are gone before the guard is handed over.
  for (int i = 0; i < 500; ++i) {
    pqxx::nontransaction tx(*admin_);
    const auto r = tx.exec1(
        "SELECT count(*), count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'autovacuum "
        "worker'");
    if (r[0].as<int>() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::shared_ptr<void>(nullptr, [set](void*) {
    try {
      set("ALTER SYSTEM RESET autovacuum");
    } catch (const std::exception&) {  // the cluster is thrown away anyway
    }
  });
}

int BenchDatabase::serverPid() const {
  if (!cluster_) return 0;
  std::ifstream f(cluster_->dataDirectory() / "postmaster.pid");
  int pid = 0;
  f >> pid;
  return pid;
}

}  // namespace schedlab
