#include "pg/Pgbench.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "pg/ThrowawayPostgres.h"
#include "util/Processes.h"
#include "util/TempDir.h"

namespace fs = std::filesystem;

namespace schedlab {

double pgbenchSelect1Tps(const std::string& conninfo, double seconds) {
  const TempDir dir("schedlab-pgbench");  // removed on every way out
  const fs::path script = dir.path() / "select_1.sql", log = dir.path() / "pgbench.log";
  std::ofstream(script) << "SELECT 1;\n";
  int rc = runAndWait({(ThrowawayPostgres::binDirectory() / "pgbench").string(), "-n", "-M", "prepared", "-c", "1",
                       "-T", std::to_string(static_cast<int>(std::max(1.0, seconds))), "-f", script.string(), conninfo},
                      log.string());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  const std::string s = text.str();
  if (rc != 0 || !std::regex_search(s, m, std::regex(R"(tps = ([0-9.]+))")))
    throw std::runtime_error("pgbench failed (exit " + std::to_string(rc) + "):\n" + s);
  return std::stod(m[1]);
}

}  // namespace schedlab
