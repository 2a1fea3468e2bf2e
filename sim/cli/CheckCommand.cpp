// `schedlab check RESULTS_DIR --baseline BASELINE.json [--tolerance 5%] [--update] [--all]`:
// the CI gate. Prints what changed and exits 1 when a gated figure got worse beyond the tolerance.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "gate/RegressionCheck.h"
#include "results/ResultsWriter.h"
#include "scenario/MetricConstraint.h"

namespace fs = std::filesystem;

namespace schedlab::cli {
namespace {

// A results directory or a results.json file.
std::string resultsFile(const std::string& path) {
  return fs::is_directory(path) ? (fs::path(path) / "results.json").string() : path;
}

nlohmann::json readJson(const std::string& path) {
  if (fs::is_directory(path)) throw BadInput(path + " is a directory, expected a results.json file");
  std::ifstream in(path);
  if (!in) throw BadInput("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parseResultsDocument(text.str());
  } catch (const std::invalid_argument& e) {
    throw BadInput(path + ": not a results.json: " + e.what());
  }
}

std::string fmtValue(double v) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string fmtChange(double c) {
  if (std::isnan(c)) return "-";
  if (std::isinf(c)) return c > 0 ? "+inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", 100 * c);
  return buf;
}

}  // namespace

int cmdCheck(const Args& args) {
  namespace po = boost::program_options;
  po::options_description visible(
      "schedlab check RESULTS_DIR --baseline BASELINE.json [--tolerance 5%] [--update] [--all]");
  visible.add_options()("help,h", "show this help")("baseline,b", po::value<std::string>(),
                                                    "a results.json to hold the run to (required)")(
      "tolerance,t", po::value<std::string>()->default_value("5%"),
      "how much worse a figure may get before the check fails (5% or 0.05)")(
      "update", "rewrite the baseline with these results (on purpose, with the reason in the commit)")(
      "all", "print every compared figure (default: only those beyond the tolerance, and missing or new variants)");
  auto parsed = parseCommand("check", args, visible, "RESULTS_DIR");
  if (!parsed) return kOk;
  const auto& vm = parsed->options;
  if (!vm.count("baseline")) throw BadInput("--baseline BASELINE.json is required");
  const std::string baselinePath = vm["baseline"].as<std::string>();
  auto tolerance = parseLimit(vm["tolerance"].as<std::string>());
  if (!tolerance || !std::isfinite(*tolerance) || *tolerance < 0)
    throw BadInput("--tolerance: expected a finite percentage (5%) or fraction (0.05), not negative");

  const std::string nowPath = resultsFile(parsed->positional[0]);
  nlohmann::json now = readJson(nowPath);
  if (std::string why = resultsDocumentProblem(now); !why.empty()) throw BadInput(nowPath + ": " + why);
  if (vm.count("update")) {
    fs::path parent = fs::path(baselinePath).parent_path();
    if (!parent.empty()) fs::create_directories(parent);
    writeFileAtomically(baselinePath, now.dump(2) + "\n");
    std::printf("baseline %s updated from %s\n", baselinePath.c_str(), nowPath.c_str());
    return kOk;
  }
  if (!fs::exists(baselinePath)) throw BadInput("no baseline " + baselinePath + " (create it with --update)");
  nlohmann::json baseline = readJson(baselinePath);
  if (std::string why = resultsDocumentProblem(baseline); !why.empty()) throw BadInput(baselinePath + ": " + why);
  if (baseline.value("scenario", "") != now.value("scenario", ""))
    throw BadInput("baseline is of scenario '" + baseline.value("scenario", "") + "', results of '" +
                   now.value("scenario", "") + "'");

  CheckReport report;
  try {
    report = compareResults(baseline, now, *tolerance);
  } catch (const std::invalid_argument& e) {
    throw BadInput(baselinePath + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw BadInput(baselinePath + " or " + nowPath + ": not a results.json as schedlab writes it: " + e.what());
  }
  const bool all = vm.count("all") > 0;
  size_t counts[6] = {};
  std::printf("%-22s %-62s %14s %14s %9s  %s\n", "variant", "metric", "baseline", "now", "change", "verdict");
  for (const CheckRow& r : report.rows) {
    ++counts[static_cast<int>(r.verdict)];
    if (!all && (r.verdict == Verdict::Unchanged || r.verdict == Verdict::Within)) continue;
    std::printf("%-22s %-62s %14s %14s %9s  %s\n", r.variant.c_str(), r.metric.c_str(), fmtValue(r.baseline).c_str(),
                fmtValue(r.now).c_str(), fmtChange(r.change).c_str(), verdictName(r.verdict));
  }
  std::printf("%zu figures compared at tolerance %.1f%%: %zu same, %zu within, %zu better, %zu worse, %zu missing",
              report.rows.size(), 100 * *tolerance, counts[0], counts[1], counts[2], counts[3], counts[4]);
  if (counts[5]) std::printf(", %zu new variants", counts[5]);
  if (report.compared() == 0)
    std::printf("\nno figure of the baseline was compared: a gate that compared nothing fails");
  std::printf("\ncheck %s: %s vs %s\n", report.failed() ? "FAILED" : "passed", nowPath.c_str(), baselinePath.c_str());
  return report.failed() ? kFailed : kOk;
}

}  // namespace schedlab::cli
