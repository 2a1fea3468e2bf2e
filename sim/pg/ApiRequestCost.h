// airflow3's API server: its own CPU per request, measured on a proxy (a FastAPI route shaped like
// the Execution API's heartbeat, served by uvicorn, no database; Debian's python3-fastapi and
// python3-uvicorn, older than Airflow 3's), by the script sim/pg/api_request_cost.py (compiled in,
// run with /usr/bin/python3).
#pragma once

#include <nlohmann/json.hpp>

namespace schedlab {

// `rounds` of `requests` keep-alive requests each. Returns {request_cost_s (the rounds' median),
// rounds_s, requests_per_round, libraries, method}. Throws std::runtime_error with the script's
// last output when it fails (python3-fastapi or python3-uvicorn missing).
nlohmann::json measureApiRequestCost(int requests, int rounds);

}  // namespace schedlab
