#include "pg/ApiRequestCost.h"

#include "pg/ApiRequestCostScript.h"
#include "pg/PythonScript.h"

namespace schedlab {

nlohmann::json measureApiRequestCost(int requests, int rounds) {
  return runPythonScript("api_request_cost", script::kApiRequestCost,
                         {"--requests", std::to_string(requests), "--rounds", std::to_string(rounds)},
                         "the API server's request-cost measurement (python3-fastapi and python3-uvicorn)");
}

}  // namespace schedlab
