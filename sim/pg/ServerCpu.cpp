#include "pg/ServerCpu.h"

#include <fstream>
#include <stdexcept>

namespace schedlab {

double processRunSeconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/schedstat");
  long long ns = -1;
  if (!(f >> ns) || ns < 0) return -1;
  return static_cast<double>(ns) / 1e9;
}

BackendCpu::BackendCpu(pqxx::connection& c) {
  pid_ = pqxx::nontransaction(c).exec1("SELECT pg_backend_pid()")[0].as<int>();
  // A pid of this machine that is the backend's: its command line is PostgreSQL's ("postgres: …").
  std::ifstream cmd("/proc/" + std::to_string(pid_) + "/cmdline");
  std::string first;
  std::getline(cmd, first, '\0');
  visible_ = first.rfind("postgres", 0) == 0 && processRunSeconds(pid_) >= 0;
}

double BackendCpu::seconds() const {
  const double s = processRunSeconds(pid_);
  if (s < 0) throw std::runtime_error("the PostgreSQL backend " + std::to_string(pid_) + " has gone");
  return s;
}

StatementStats::StatementStats(pqxx::connection& c, const std::string& server) : c_(c) {
  pqxx::nontransaction tx(c_);
  auto r = tx.exec(
      "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = "
      "'pg_stat_statements'");
  const std::string load =
      " (measuring where the database's time goes needs it: add pg_stat_statements to shared_preload_libraries in "
      "postgresql.conf, restart the server, and run CREATE EXTENSION pg_stat_statements in the database)";
  if (r.empty()) throw std::runtime_error(server + " has no pg_stat_statements extension in its database" + load);
  schema_ = tx.quote_name(r[0][0].as<std::string>());
  try {
    tx.exec("SELECT 1 FROM " + schema_ + ".pg_stat_statements LIMIT 1");
  } catch (const std::exception& e) {
    throw std::runtime_error(server + " does not load pg_stat_statements" + load + ": " + e.what());
  }
}

void StatementStats::reset() { pqxx::nontransaction(c_).exec("SELECT " + schema_ + ".pg_stat_statements_reset()"); }

StatementStats::Totals StatementStats::totals() {
  auto row = pqxx::nontransaction(c_).exec1(
      "SELECT coalesce(sum(total_exec_time), 0), coalesce(sum(total_plan_time), 0), coalesce(sum(calls), 0) FROM " +
      schema_ + ".pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'");
  return {row[0].as<double>() / 1e3, row[1].as<double>() / 1e3, row[2].as<long long>()};
}

}  // namespace schedlab
