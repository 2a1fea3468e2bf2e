// Airflow's metadata schema in a live PostgreSQL, in the 1.10 layout (task instances keyed by
// execution_date) or the 2.x layout (keyed by run_id and map_index, 2.5.2's indexes), filled
// with history shaped like a real deployment. The SQL lives in bench/pg/ (shared with the
// pgbench scripts) and is compiled in.
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace schedlab {

enum class SchemaLayout { Airflow110, Airflow2 };

const char* layoutName(SchemaLayout layout);  // "airflow1.10", "airflow2.5"

// The history a benchmark runs on: `dags` DAGs of `tasks` tasks with enough runs for about
// `taskInstances` rows, every run finished but each DAG's newest.
struct History {
  long long taskInstances = 100000;
  int dags = 200;
  int tasks = 40;
  int runsPerDag() const;
};

// Splits a SQL script into statements (one ends with ';' at the end of a line; `--` comment
// lines dropped) after replacing psql-style :name variables with the given values.
std::vector<std::string> sqlStatements(const std::string& script,
                                       const std::vector<std::pair<std::string, std::string>>& variables);

// Drops and creates the layout's tables in the connection's current schema.
void createSchema(pqxx::connection& c, SchemaLayout layout);
// Replaces the tables' rows with `h` (and VACUUM ANALYZEs them).
void populate(pqxx::connection& c, SchemaLayout layout, const History& h);

}  // namespace schedlab
