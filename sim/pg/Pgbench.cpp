#include "pg/Pgbench.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "pg/ThrowawayPostgres.h"
#include "util/Processes.h"

namespace fs = std::filesystem;

namespace schedlab {

double pgbenchSelect1Tps(const std::string& conninfo, double seconds) {
  char dir[] = "/tmp/schedlab-pgbench-XXXXXX";
  if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
  const fs::path script = fs::path(dir) / "select_1.sql", log = fs::path(dir) / "pgbench.log";
  std::ofstream(script) << "SELECT 1;\n";
  int rc = runAndWait({(ThrowawayPostgres::binDirectory() / "pgbench").string(), "-n", "-M", "prepared", "-c", "1",
                       "-T", std::to_string(static_cast<int>(std::max(1.0, seconds))), "-f", script.string(), conninfo},
                      log.string());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  fs::remove_all(dir);
  std::smatch m;
  const std::string s = text.str();
  if (rc != 0 || !std::regex_search(s, m, std::regex(R"(tps = ([0-9.]+))")))
    throw std::runtime_error("pgbench failed (exit " + std::to_string(rc) + "):\n" + s);
  return std::stod(m[1]);
}

}  // namespace schedlab
