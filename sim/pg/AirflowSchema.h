// Airflow's metadata schema in a live PostgreSQL, in the 1.10 layout (task instances keyed by
// execution_date), the 2.x layout (keyed by run_id and map_index, 2.5.2's indexes) or the 3.1
// layout (a UUID per try, task_instance_history, DAG versions, the deadline table), filled with
// history shaped like a real deployment. The SQL lives in bench/pg/ (shared with the
// pgbench scripts) and is compiled in.
#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace schedlab {

enum class SchemaLayout { Airflow110, Airflow2, Airflow3 };

inline constexpr SchemaLayout kSchemaLayouts[] = {SchemaLayout::Airflow110, SchemaLayout::Airflow2,
                                                  SchemaLayout::Airflow3};

const char* layoutName(SchemaLayout layout);  // "airflow1.10", "airflow2.5", "airflow3.1"
// The layout layoutName() names so; nullopt for any other name.
std::optional<SchemaLayout> layoutNamed(const std::string& name);

// The 3.1 layout's id of a task instance (a UUID v7-like, ordered by run as uuid7's creation time
// orders them): the one airflow-3.1-populate.sql gives task `task` of DAG `dag`'s run `run`.
std::string taskInstanceUuid(int dag, int run, int task);

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
