#include "pg/BenchDatabase.h"

#include <unistd.h>

#include <ctime>

namespace schedlab {

BenchDatabase::BenchDatabase(const std::string& url) {
  if (url.empty()) {
    cluster_ = std::make_unique<ThrowawayPostgres>();
    conninfo_ = cluster_->connectionString();
  } else {
    conninfo_ = url;
    schema_ = "schedlab_" + std::to_string(::getpid()) + "_" + std::to_string(std::time(nullptr));
  }
  try {
    admin_ = std::make_unique<pqxx::connection>(conninfo_);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot connect to " + (url.empty() ? std::string("the throwaway PostgreSQL") : url) +
                             ": " + e.what());
  }
  if (!schema_.empty()) pqxx::nontransaction(*admin_).exec("CREATE SCHEMA " + schema_);
}

BenchDatabase::~BenchDatabase() {
  if (schema_.empty() || !admin_) return;
  try {
    pqxx::nontransaction(*admin_).exec("DROP SCHEMA " + schema_ + " CASCADE");
  } catch (...) {
    // The server went away: nothing left to drop that we could reach.
  }
}

std::unique_ptr<pqxx::connection> BenchDatabase::connect() const {
  auto c = std::make_unique<pqxx::connection>(conninfo_);
  if (!schema_.empty()) pqxx::nontransaction(*c).exec("SET search_path TO " + schema_);
  return c;
}

bool BenchDatabase::load(SchemaLayout layout, const History& h) {
  if (layout_ == layout && history_.taskInstances == h.taskInstances && history_.dags == h.dags &&
      history_.tasks == h.tasks)
    return false;
  auto c = connect();
  if (layout_ != layout) createSchema(*c, layout);
  layout_.reset();  // half-loaded until populate returns
  populate(*c, layout, h);
  layout_ = layout;
  history_ = h;
  return true;
}

void BenchDatabase::restartCluster(const std::vector<std::string>& settings, const std::function<void()>& whileStopped) {
  if (!cluster_) throw std::runtime_error("only a throwaway cluster can be restarted");
  admin_.reset();
  cluster_->restart(settings, whileStopped);
  admin_ = std::make_unique<pqxx::connection>(conninfo_);
}

std::string BenchDatabase::serverVersion() const {
  return pqxx::nontransaction(*admin_).exec1("SHOW server_version")[0].as<std::string>();
}

std::string BenchDatabase::describe() const {
  if (cluster_) return "throwaway PostgreSQL " + serverVersion() + " in " + cluster_->directory().string();
  return "PostgreSQL " + serverVersion() + " (schema " + schema_ + ")";
}

}  // namespace schedlab
