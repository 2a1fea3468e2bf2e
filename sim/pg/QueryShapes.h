// The SQL Airflow sends for each query type of the simulator's catalog, as prepared statements
// against the tables of AirflowSchema: what the microbenchmarks time and `schedlab calibrate`
// fits. One shape is one unit of work: one statement, or the few a caller sends together
// (a locking transaction, a per-task dependency pass over a 40-task run).
#pragma once

#include <string>
#include <vector>

#include "pg/AirflowSchema.h"

namespace schedlab {

struct ShapeStatement {
  // The values a statement takes: $1 = 'dag_<d>' (a random DAG), $2 = the run number of that
  // DAG's newest (running) run, $1 = a random job id (1-1000), or (3.1 layout) $1 = the id of
  // that run's running task instance (task_01).
  enum class Args { None, Dag, DagRun, Job, TaskInstance };
  std::string sql;
  Args args = Args::None;
  int times = 1;  // sent this many times in a row (a per-task pass)
};

struct QueryShape {
  std::string name;
  std::vector<ShapeStatement> statements;
  enum class Transaction { None, Commit, Rollback } transaction = Transaction::None;
  std::string table;        // the table whose size its cost may grow with (one the simulator counts)
  int rows = 1;             // rows one execution returns or deletes (the per-row fits' x)
  bool costPerRow = false;  // fitted per row deleted (the archiving DELETEs) rather than per query
  // Fitted per row returned, averaged over the sizes (a query whose rows are its work: 3.1's
  // examined runs with their task instances) rather than per query.
  bool costPerRowReturned = false;
  // Fitted per row of its table (linear, not per decade): a query that reads an index whole.
  bool costPerTableRow = false;
};

// A shape named "<name>_10" is its twin returning 10 rows: the two give the cost per row returned.

// Every shape of a layout, the trivial `select_1` first.
const std::vector<QueryShape>& queryShapes(SchemaLayout layout);

}  // namespace schedlab
