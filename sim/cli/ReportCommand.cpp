// `schedlab report RESULTS_DIR... [--out DIR] [--baseline VARIANT]`: the architect's report. The
// figures need matplotlib, so the report itself is drawn by reports/make_report.py (Debian's
// /usr/bin/python3); this command checks its input and runs it.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "results/MetricSchema.h"
#include "util/Processes.h"

namespace fs = std::filesystem;

namespace schedlab::cli {

// Where reports/make_report.py is: SCHEDLAB_REPORTS_DIR in the environment, else the source tree
// this binary was built from.
std::string reportScript() {
  const char* env = std::getenv("SCHEDLAB_REPORTS_DIR");
  fs::path dir = env && *env ? fs::path(env) : fs::path(SCHEDLAB_REPORTS_DIR);
  fs::path script = dir / "make_report.py";
  if (!fs::exists(script)) throw std::runtime_error("report generator not found: " + script.string());
  return script.string();
}

namespace {
// `schedlab schema --json` in a temporary file for the report generator; removed with it.
struct SchemaFile {
  std::string path;
  SchemaFile() {
    std::string tmpl = (fs::temp_directory_path() / "schedlab-schema-XXXXXX").string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file in " + fs::temp_directory_path().string());
    ::close(fd);
    path = tmpl;
    std::ofstream(path) << schemaJson().dump() << "\n";
  }
  ~SchemaFile() { fs::remove(path); }
  SchemaFile(const SchemaFile&) = delete;
  SchemaFile& operator=(const SchemaFile&) = delete;
};
}  // namespace

int cmdReport(const Args& args) {
  namespace po = boost::program_options;
  po::options_description visible("schedlab report RESULTS_DIR... [--out DIR] [--baseline VARIANT]");
  visible.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>(),
      "where report.html, report.md and figures/ go (default: the first RESULTS_DIR)")(
      "baseline", po::value<std::string>()->default_value(""),
      "the variant the verdict's ratios are taken against (default: each scenario's first)");
  auto parsed = parseCommand("report", args, visible, "RESULTS_DIR", 1, -1);
  if (!parsed) return kOk;
  for (const auto& dir : parsed->positional)
    if (!fs::exists(fs::path(dir) / "results.json") && !(fs::is_regular_file(dir)))
      throw BadInput(dir + ": no results.json (run `schedlab run` first)");
  const std::string python = "/usr/bin/python3";
  if (!fs::exists(python)) throw std::runtime_error("/usr/bin/python3 is missing (install python3-matplotlib)");
  std::string out = parsed->options.count("out") ? parsed->options["out"].as<std::string>() : parsed->positional[0];
  // The result schema, so the report names and formats each figure as this binary defines it.
  const SchemaFile schema;
  std::vector<std::string> argv = {python,     reportScript(), "--out",
                                   out,        "--baseline",   parsed->options["baseline"].as<std::string>(),
                                   "--schema", schema.path};
  argv.insert(argv.end(), parsed->positional.begin(), parsed->positional.end());
  int rc = runAndWait(argv);
  if (rc == 2) return kBadInput;
  if (rc != 0) throw std::runtime_error("the report generator failed (exit code " + std::to_string(rc) + ")");
  return kOk;
}

}  // namespace schedlab::cli
