#include "pg/ClientCost.h"

#include "pg/ClientCostScript.h"
#include "pg/PythonScript.h"

namespace schedlab {

nlohmann::json measureClientCost(const std::string& conninfo, const std::string& schema, int repeat) {
  return runPythonScript("client_cost", script::kClientCost,
                         {"--dsn", conninfo, "--schema", schema, "--repeat", std::to_string(repeat)},
                         "the client-cost measurement (SQLAlchemy, python3-sqlalchemy and python3-psycopg2)");
}

}  // namespace schedlab
