#include "pg/ApiRequestCost.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "pg/ApiRequestCostScript.h"
#include "util/Processes.h"
#include "util/TempDir.h"

namespace schedlab {

nlohmann::json measureApiRequestCost(int requests, int rounds) {
  const TempDir dir("schedlab-api-request-cost");
  const std::string script = (dir.path() / "api_request_cost.py").string();
  const std::string out = (dir.path() / "api_request_cost.json").string();
  const std::string log = (dir.path() / "api_request_cost.log").string();
  std::ofstream(script) << script::kApiRequestCost;
  const int code = runAndWait({"/usr/bin/python3", script, "--out", out, "--requests", std::to_string(requests),
                               "--rounds", std::to_string(rounds)},
                              log);
  if (code != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::string tail = text.str();
    if (tail.size() > 2000) tail = "..." + tail.substr(tail.size() - 2000);
    throw std::runtime_error(
        "the API server's request-cost measurement (python3-fastapi and python3-uvicorn) failed with exit code " +
        std::to_string(code) + ":\n" + tail);
  }
  std::ifstream in(out);
  return nlohmann::json::parse(in);
}

}  // namespace schedlab
