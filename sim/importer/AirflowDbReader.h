// Reads a deployment from an Airflow metadata database (PostgreSQL) without writing to it: the
// session is read only (default_transaction_read_only, and every read in a READ ONLY
// transaction) with a statement timeout. The schema's Airflow release comes from
// alembic_version; the columns read are those that release has.
#pragma once

#include <string>

#include "importer/Deployment.h"
#include "importer/ImportError.h"

namespace schedlab {

struct DbImportRequest {
  std::string url;                // postgresql://… or key=value pairs
  std::string schema = "public";  // where Airflow's tables are
  double since = 7 * 86400;       // the window: the server's now() minus this, to now()
  std::string dags;               // a shell pattern on dag_id; empty: every DAG
  double statementTimeout = 60;   // seconds, each statement
};

// Throws ImportError for bad input (its message never shows the URL's password).
Deployment readAirflowDb(const DbImportRequest& request);

}  // namespace schedlab
