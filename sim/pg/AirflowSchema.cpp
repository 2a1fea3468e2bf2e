#include "pg/AirflowSchema.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "pg/AirflowSql.h"

namespace schedlab {

const char* layoutName(SchemaLayout layout) {
  switch (layout) {
    case SchemaLayout::Airflow110:
      return "airflow1.10";
    case SchemaLayout::Airflow2:
      return "airflow2.5";
    case SchemaLayout::Airflow3:
      return "airflow3.1";
  }
  return "?";
}

std::optional<SchemaLayout> layoutNamed(const std::string& name) {
  for (SchemaLayout l : kSchemaLayouts)
    if (name == layoutName(l)) return l;
  return std::nullopt;
}

std::string taskInstanceUuid(int dag, int run, int task) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-7%03x-8000-%012x", static_cast<unsigned>(run), static_cast<unsigned>(task),
                static_cast<unsigned>(dag));
  return buf;
}

int History::runsPerDag() const {
  return static_cast<int>(std::max<long long>(1, taskInstances / (static_cast<long long>(dags) * tasks)));
}

std::vector<std::string> sqlStatements(const std::string& script,
                                       const std::vector<std::pair<std::string, std::string>>& variables) {
  std::vector<std::string> out;
  std::istringstream in(script);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("--", 0) == 0) continue;
    // Longest names first, so :runs is not taken for :run followed by "s".
    for (const auto& [name, value] : variables) {
      std::string token = ":" + name;
      for (size_t at = line.find(token); at != std::string::npos; at = line.find(token, at + value.size())) {
        size_t end = at + token.size();
        if (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')) {
          at = end;
          continue;
        }
        line.replace(at, token.size(), value);
      }
    }
    current += line + "\n";
    size_t last = line.find_last_not_of(" \t");
    if (last != std::string::npos && line[last] == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\n") != std::string::npos) out.push_back(current);
  return out;
}

namespace {

void runScript(pqxx::connection& c, const char* script, const History& h) {
  std::vector<std::pair<std::string, std::string>> vars = {{"tis", std::to_string(h.taskInstances)},
                                                           {"dags", std::to_string(h.dags)},
                                                           {"tasks", std::to_string(h.tasks)},
                                                           {"runs", std::to_string(h.runsPerDag())}};
  // One statement at a time, outside a transaction: VACUUM refuses to run inside one.
  for (const std::string& statement : sqlStatements(script, vars)) {
    pqxx::nontransaction tx(c);
    tx.exec(statement);
  }
}

}  // namespace

void createSchema(pqxx::connection& c, SchemaLayout layout) {
  pqxx::nontransaction(c).exec("SET client_min_messages TO warning");
  runScript(c,
            layout == SchemaLayout::Airflow110 ? sql::kSchema110
            : layout == SchemaLayout::Airflow2 ? sql::kSchema25
                                               : sql::kSchema31,
            History{});
}

void populate(pqxx::connection& c, SchemaLayout layout, const History& h) {
  runScript(c,
            layout == SchemaLayout::Airflow110 ? sql::kPopulate110
            : layout == SchemaLayout::Airflow2 ? sql::kPopulate25
                                               : sql::kPopulate31,
            h);
}

}  // namespace schedlab
