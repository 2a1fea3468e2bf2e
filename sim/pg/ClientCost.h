// The scheduler-side cost of Airflow's statements, measured: SQLAlchemy 1.4 (python3-sqlalchemy, as
// Airflow 2.x uses) and psycopg2 building, sending and mapping each catalog query type against a
// live PostgreSQL, by the script sim/pg/client_cost.py (compiled in, run with /usr/bin/python3).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace schedlab {

// Measures every scheduler-side catalog type against `schema` of the server at `conninfo`, which
// holds Airflow 1.10's tables with a history loaded (a running DAG run at least), each operation
// `repeat` times per row count. Returns {sqlalchemy, psycopg2, python, repeat, method, types:
// {<type>: {fixed_s, per_row_s, operation, points}}}: seconds of the client's CPU per execution
// and per row returned or written. Throws std::runtime_error with the script's last output when it
// fails (python3-sqlalchemy or python3-psycopg2 missing, the server unreachable).
nlohmann::json measureClientCost(const std::string& conninfo, const std::string& schema, int repeat);

}  // namespace schedlab
