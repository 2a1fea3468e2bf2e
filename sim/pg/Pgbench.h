// pgbench, PostgreSQL's own load generator, as the yardstick for the benchmark harness: its
// single-client rate for a prepared `SELECT 1` on the same server.
#pragma once

#include <string>

namespace schedlab {

// Transactions per second of `pgbench -n -M prepared -c 1 -T seconds` running `SELECT 1;`
// against `conninfo`. Throws std::runtime_error with pgbench's output when it fails.
double pgbenchSelect1Tps(const std::string& conninfo, double seconds);

}  // namespace schedlab
