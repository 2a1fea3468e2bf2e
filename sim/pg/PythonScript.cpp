#include "pg/PythonScript.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/Processes.h"
#include "util/TempDir.h"

namespace schedlab {

nlohmann::json runPythonScript(const std::string& name, const char* text, const std::vector<std::string>& args,
                               const std::string& what) {
  const TempDir dir("schedlab-" + name);
  const std::string script = (dir.path() / (name + ".py")).string();
  const std::string out = (dir.path() / (name + ".json")).string();
  const std::string log = (dir.path() / (name + ".log")).string();
  std::ofstream(script) << text;
  std::vector<std::string> command = {"/usr/bin/python3", script, "--out", out};
  command.insert(command.end(), args.begin(), args.end());
  const int code = runAndWait(command, log);
  if (code != 0) {
    std::ifstream in(log);
    std::stringstream output;
    output << in.rdbuf();
    std::string tail = output.str();
    if (tail.size() > 2000) tail = "..." + tail.substr(tail.size() - 2000);
    throw std::runtime_error(what + " failed with exit code " + std::to_string(code) + ":\n" + tail);
  }
  std::ifstream in(out);
  return nlohmann::json::parse(in);
}

}  // namespace schedlab
