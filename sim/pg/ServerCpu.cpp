#include "pg/ServerCpu.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace schedlab {

double processRunSeconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/schedstat");
  long long ns = -1;
  if (!(f >> ns) || ns < 0) return -1;
  return static_cast<double>(ns) / 1e9;
}

double reapedChildrenSeconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return 0;
  // Fields after the command name (which may hold spaces) in parentheses.
  std::istringstream in(line.substr(line.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 17 && in >> field; ++i)
    if (i == 16 || i == 17) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

namespace {

// The pids of process `pid`'s children now.
std::vector<int> childrenOf(int pid) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream f(entry.path() / "stat");
    std::string line;
    if (!std::getline(f, line) || line.rfind(')') == std::string::npos) continue;
    std::istringstream in(line.substr(line.rfind(')') + 2));
    std::string state;
    int ppid = -1;
    in >> state >> ppid;
    if (ppid == pid) out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace

int serverChildren(int pid) { return static_cast<int>(childrenOf(pid).size()); }

double serverSeconds(int pid) {
  double cpu = reapedChildrenSeconds(pid) + std::max(0.0, processRunSeconds(pid));
  for (int child : childrenOf(pid)) cpu += std::max(0.0, processRunSeconds(child));
  return cpu;
}

std::map<int, double> serverOwnProcesses(int pid) {
  // The titles PostgreSQL 12-17 gives its background processes ("postgres: [cluster: ]walwriter");
  // a client backend's names its user, database and client instead.
  static const char* const kOwn[] = {"checkpointer", "background writer",   "walwriter",       "autovacuum",
                                     "archiver",     "logical replication", "stats collector", "walsender",
                                     "walreceiver",  "walsummarizer",       "io worker",       "startup"};
  std::map<int, double> out;
  for (int child : childrenOf(pid)) {
    std::ifstream f("/proc/" + std::to_string(child) + "/cmdline");
    std::string title;
    std::getline(f, title, '\0');
    const size_t colon = title.rfind(": ");
    if (colon == std::string::npos) continue;
    const std::string what = title.substr(colon + 2);
    for (const char* own : kOwn)
      if (what.rfind(own, 0) == 0) {
        if (const double cpu = processRunSeconds(child); cpu >= 0) out[child] = cpu;
        break;
      }
  }
  return out;
}

double serverOwnSecondsSince(int pid, const std::map<int, double>& then) {
  double own = 0;
  for (const auto& [process, cpuNow] : serverOwnProcesses(pid)) {
    const auto before = then.find(process);
    own += std::max(0.0, cpuNow - (before == then.end() ? 0.0 : before->second));
  }
  return own;
}

int awaitServerChildren(int pid, int count, double limit) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit);
  int n = serverChildren(pid);
  while (n > count && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    n = serverChildren(pid);
  }
  return n;
}

BackendCpu::BackendCpu(pqxx::connection& c) {
  pid_ = pqxx::nontransaction(c).exec1(std::string(kHarnessMark) + "SELECT pg_backend_pid()")[0].as<int>();
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
      schema_ + ".pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '" +
      std::string(kHarnessMark) + "%'");
  return {row[0].as<double>() / 1e3, row[1].as<double>() / 1e3, row[2].as<long long>()};
}

}  // namespace schedlab
