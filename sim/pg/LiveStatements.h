// The SQL of each query type of the catalog on Airflow 1.10's schema (AirflowSchema): what
// `schedlab live` sends and what `schedlab calibrate` measures each type's DB CPU on. The
// statements of bench/'s query shapes (QueryShapes) where they already name a real row, and
// Airflow 1.10.12's own statements where a query writes (new runs and their task instances, state
// changes, jobs, logs), so a live run's tables hold real rows that change as the run goes on.
// Each type sends as many statements as the catalog counts (QueryInfo::statements).
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "model/QueryCatalog.h"

namespace schedlab {

// A statement's parameters, $1, $2, … in this order.
enum class LiveParam {
  DagId,        // the DAG's id
  Run,          // the run's execution_date (timestampLiteral)
  PreviousRun,  // the execution_date of the DAG's run before it (depends_on_past)
  RunId,        // the run's run_id ("scheduled__<execution_date>")
  RunState,     // the run's state ("running", "success", …)
  TaskId,       // the task instance's task
  Upstream,     // its upstream task ids, a text[] literal
  TaskIds,      // every task of the run's DAG, a text[] literal
  TryNumber,    // the try it starts
  JobId,        // its LocalTaskJob (the scheduler's own job is 1)
  EndState,     // the state a try ends in ("success", "failed")
  DagIds,       // the task instances of a batch: three parallel arrays
  TaskIdList,
  RunList,
};

struct LiveStatement {
  std::string sql;
  std::vector<LiveParam> params;
};

// A timestamptz literal of Unix time `seconds` (UTC, to the microsecond): "2020-01-01 00:00:00+00".
std::string timestampLiteral(double seconds);

// The statements of one query of `type`; empty when live runs do not support it (2.x and
// archiving queries).
const std::vector<LiveStatement>& liveStatements(QueryType type);

// A PostgreSQL array literal of `values`, each quoted, so it reads as text[] and int[] alike:
// the value of an array parameter (Upstream, TaskIds, the batch lists).
std::string textArray(const std::vector<std::string>& values);

// `sql` with each $N replaced by params[N-1] as a quoted literal: the SQL psycopg2 sends for
// Airflow, which the server parses and plans every time (it prepares nothing). Throws
// std::logic_error when the statement names an argument not given.
std::string withLiterals(pqxx::transaction_base& tx, const std::string& sql, const std::vector<std::string>& params);

// Whether one query of `type` is about a whole batch of task instances (one query for all of
// them) rather than one task instance per repetition.
bool liveBatchQuery(QueryType type);

}  // namespace schedlab
