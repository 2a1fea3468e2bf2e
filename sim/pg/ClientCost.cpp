#include "pg/ClientCost.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "pg/ClientCostScript.h"
#include "util/Processes.h"
#include "util/TempDir.h"

namespace schedlab {

nlohmann::json measureClientCost(const std::string& conninfo, const std::string& schema, int repeat) {
  const TempDir dir("schedlab-client-cost");
  const std::string script = (dir.path() / "client_cost.py").string();
  const std::string out = (dir.path() / "client_cost.json").string();
  const std::string log = (dir.path() / "client_cost.log").string();
  std::ofstream(script) << script::kClientCost;
  const int code = runAndWait({"/usr/bin/python3", script, "--dsn", conninfo, "--schema", schema, "--out", out,
                               "--repeat", std::to_string(repeat)},
                              log);
  if (code != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::string tail = text.str();
    if (tail.size() > 2000) tail = "..." + tail.substr(tail.size() - 2000);
    throw std::runtime_error(
        "the client-cost measurement (SQLAlchemy, python3-sqlalchemy and python3-psycopg2) "
        "failed with exit code " +
        std::to_string(code) + ":\n" + tail);
  }
  std::ifstream in(out);
  return nlohmann::json::parse(in);
}

}  // namespace schedlab
