#include "pg/SpeedProbe.h"

#include <pqxx/pqxx>

#include <chrono>
#include <iterator>
#include <string>
#include <thread>

#include "pg/ServerCpu.h"

namespace schedlab {

const char* const kSpeedProbeStatement =
    "SELECT c.relname, count(a.attnum) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
    "WHERE c.relname = '<name>' GROUP BY c.relname";

namespace {

// A catalog of every PostgreSQL 12+, so that the statements' rows are the same on every server.
constexpr const char* kNames[] = {"pg_class", "pg_attribute", "pg_type",     "pg_proc",
                                  "pg_index", "pg_namespace", "pg_database", "pg_operator"};

std::string statement(size_t i) {
  std::string q = kSpeedProbeStatement;
  const std::string mark = "<name>";
  q.replace(q.find(mark), mark.size(), kNames[i % std::size(kNames)]);
  return q;
}

}  // namespace

double probeServerSpeed(const std::string& conninfo, const SpeedProbePlan& plan) {
  try {
    pqxx::connection c(conninfo);
    BackendCpu cpu(c);
    if (!cpu.visible()) return -1;
    size_t sent = 0;
    for (; sent < static_cast<size_t>(plan.warmup); ++sent) pqxx::nontransaction(c).exec(statement(sent));
    const double before = cpu.seconds();
    long long counted = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(plan.seconds);
    while (std::chrono::steady_clock::now() < end) {
      pqxx::nontransaction(c).exec(statement(sent++));
      ++counted;
      std::this_thread::sleep_for(std::chrono::duration<double>(plan.pace));
    }
    return counted > 0 ? (cpu.seconds() - before) / static_cast<double>(counted) : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace schedlab
