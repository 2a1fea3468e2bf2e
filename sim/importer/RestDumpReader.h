// Reads a deployment from JSON saved from Airflow's REST API, for users who cannot reach the
// metadata database. DIR holds the responses, any file names, each recognised by its list:
//   {"dags": […]}            GET /api/v1/dags (2.x) or /api/v2/dags (3.x)
//   {"dag_runs": […]}        GET …/dags/~/dagRuns (or …/dagRuns/list)
//   {"task_instances": […]}  GET …/dags/~/dagRuns/~/taskInstances (or …/taskInstances/list)
//   {"tasks": […]}           GET …/dags/{dag_id}/tasks, saved as DIR/tasks/{dag_id}.json
// Pages of one list may be split over several files. v1 and v2 field names are both read
// (execution_date or logical_date, …); the window ends at the newest time in the dump.
#pragma once

#include <string>

#include "importer/Deployment.h"

namespace schedlab {

// Throws ImportError naming the file, entry and field for a dump it cannot use.
Deployment readRestDump(const std::string& dir, double since, const std::string& dagPattern);

// Unix seconds of an ISO 8601 time as the API writes it ("2026-11-30T10:00:00.123456+00:00", "…Z");
// NaN for null or an unreadable one.
double parseIsoTime(const std::string& text);

}  // namespace schedlab
