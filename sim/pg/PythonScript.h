// A measurement script compiled into schedlab, run with Debian's /usr/bin/python3 in a temporary
// directory: its JSON result, or its failure with the end of its output.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace schedlab {

// Writes `text` as NAME.py, runs it with `args` and --out, and returns the JSON it wrote there.
// Throws std::runtime_error "<what> failed with exit code N:" and the output's last 2,000 characters.
nlohmann::json runPythonScript(const std::string& name, const char* text, const std::vector<std::string>& args,
                               const std::string& what);

}  // namespace schedlab
