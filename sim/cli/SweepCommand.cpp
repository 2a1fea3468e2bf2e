// `schedlab sweep` and `schedlab merge`: a grid of `schedlab run`s in parallel processes, the
// capacity search (--find-min) and the joining of shards. Every point is one `schedlab run` of
// one variant and seed into DIR/points/NNNN/; sweep.csv is computed from those results only,
// so a merged set of shards gives the same file as one unsharded run.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "cli/RunSummary.h"
#include "results/MetricLookup.h"
#include "results/ResultsWriter.h"
#include "scenario/ScenarioLoader.h"
#include "sweep/CapacitySearch.h"
#include "sweep/SweepGrid.h"
#include "sweep/SweepTable.h"
#include "util/Processes.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace schedlab::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct SweepPlan {
  std::string scenarioPath;
  std::string scenarioName;
  std::vector<std::string> sets;  // the user's --set, applied to every point
  std::vector<SweepParam> params;
  std::vector<std::string> variants;
  std::vector<uint64_t> seeds;
  std::vector<std::string> metrics;  // sweep.csv's figures
  size_t totalPoints = 0;
  std::string shard = "1/1";
};

nlohmann::json manifestJson(const SweepPlan& p) {
  nlohmann::json params = nlohmann::json::array();
  for (const auto& x : p.params) params.push_back({{"key", x.key}, {"values", x.values}});
  return {{"scenario", p.scenarioPath}, {"scenario_name", p.scenarioName}, {"sets", p.sets},
          {"params", params},           {"variants", p.variants},          {"seeds", p.seeds},
          {"metrics", p.metrics},       {"points", p.totalPoints},         {"shard", p.shard}};
}

std::vector<std::string> paramKeys(const std::vector<SweepParam>& params) {
  std::vector<std::string> keys;
  for (const auto& p : params) keys.push_back(p.key);
  return keys;
}

std::string pointName(size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04zu", index);
  return buf;
}

nlohmann::json pointJson(const SweepPoint& p) {
  nlohmann::json params = nlohmann::json::array();
  for (const auto& [k, v] : p.params) params.push_back({k, v});
  return {{"index", p.index}, {"params", params}, {"variant", p.variant}, {"seed", p.seed}};
}

SweepPoint pointFromJson(const nlohmann::json& j) {
  SweepPoint p;
  p.index = j.at("index").get<size_t>();
  for (const auto& kv : j.at("params")) p.params.push_back({kv[0].get<std::string>(), kv[1].get<std::string>()});
  p.variant = j.at("variant").get<std::string>();
  p.seed = j.at("seed").get<uint64_t>();
  return p;
}

nlohmann::json readJsonFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw BadInput("cannot read " + path.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number past a double's range
    throw BadInput(path.string() + ": " + e.what());
  }
}

std::string fmtClock(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// Progress on stderr: a bar redrawn in place on a terminal, a line per finished point otherwise.
class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled), start_(Clock::now()), tty_(::isatty(2)) {}
  void done() {
    ++done_;
    if (!enabled_) return;
    double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    double eta = elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_);
    if (tty_) {
      const int width = 30;
      int filled = static_cast<int>(width * done_ / std::max<size_t>(total_, 1));
      std::fprintf(stderr, "\r[%s%s] %zu/%zu points, %s elapsed, ETA %s   ", std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), done_, total_, fmtClock(elapsed).c_str(),
                   fmtClock(eta).c_str());
      if (done_ == total_) std::fprintf(stderr, "\n");
    } else {
      std::fprintf(stderr, "sweep: %zu/%zu points done, %s elapsed, ETA %s\n", done_, total_, fmtClock(elapsed).c_str(),
                   fmtClock(eta).c_str());
    }
    std::fflush(stderr);
  }

 private:
  size_t total_, done_ = 0;
  bool enabled_;
  Clock::time_point start_;
  bool tty_;
};

// Runs the points into `dir`/points/NNNN/ with up to `jobs` processes; returns their results.
// A point that fails stops nothing, but the sweep reports it and exits 1.
std::vector<PointResult> runPoints(const SweepPlan& plan, const std::vector<SweepPoint>& points, const fs::path& dir,
                                   int jobs, bool progress) {
  const std::string self = selfPath();
  std::vector<std::vector<std::string>> commands;
  std::vector<std::string> logs;
  for (const auto& p : points) {
    fs::path pdir = dir / "points" / pointName(p.index);
    fs::create_directories(pdir);
    writeFileAtomically((pdir / "point.json").string(), pointJson(p).dump(2) + "\n");
    std::vector<std::string> cmd = {self,
                                    "run",
                                    plan.scenarioPath,
                                    "--variant",
                                    p.variant,
                                    "--seed",
                                    std::to_string(p.seed),
                                    "--quiet",
                                    "--out",
                                    pdir.string(),
                                    "--set",
                                    "run.task_instances_csv=false"};
    for (const auto& s : plan.sets) cmd.insert(cmd.end(), {"--set", s});
    for (const auto& [k, v] : p.params) cmd.insert(cmd.end(), {"--set", k + "=" + v});
    commands.push_back(std::move(cmd));
    logs.push_back((pdir / "run.log").string());
  }
  Progress bar(points.size(), progress);
  std::vector<int> codes(points.size(), -1);
  runAll(commands, logs, jobs, [&](size_t i, int rc) {
    codes[i] = rc;
    bar.done();
  });
  std::vector<PointResult> out;
  std::string failed;
  for (size_t i = 0; i < points.size(); ++i) {
    if (codes[i] != 0) {
      failed.append(" ").append(pointName(points[i].index)).append(" (exit ").append(std::to_string(codes[i]));
      failed.append(", see ").append(logs[i]).append(")");
      continue;
    }
    nlohmann::json results = readJsonFile(fs::path(logs[i]).parent_path() / "results.json");
    out.push_back({points[i], results.at("variants").at(0)});
  }
  if (!failed.empty()) throw std::runtime_error("sweep points failed:" + failed);
  return out;
}

// Checks every value of every parameter (and the user's --set) before anything runs, so bad
// input fails at once with the scenario file's own error.
void validatePlan(const SweepPlan& plan) {
  for (const auto& p : plan.params)
    for (const auto& v : p.values) {
      LoadRequest req{plan.scenarioPath, plan.sets, plan.variants};
      req.sets.push_back(p.key + "=" + v);
      loadChecked(req);  // its SLAs' metrics and what its calibration must hold
    }
}

void writeSweep(const fs::path& dir, const SweepPlan& plan, const std::vector<PointResult>& results) {
  writeFileAtomically((dir / "sweep.csv").string(), sweepCsv(paramKeys(plan.params), results, plan.metrics));
  writeFileAtomically((dir / "sweep.json").string(), manifestJson(plan).dump(2) + "\n");
}

// "KEY" or "KEY=LO..HI" (integers).
std::tuple<std::string, long long, long long> parseFindMin(const std::string& text) {
  size_t eq = text.find('=');
  std::string key = text.substr(0, eq);
  if (key.empty()) throw BadInput("--find-min: expected KEY or KEY=LO..HI");
  long long lo = 1, hi = 64;
  if (eq != std::string::npos) {
    std::vector<std::string> values;
    try {
      values = expandRange(text.substr(eq + 1), "--find-min " + key);
    } catch (const std::invalid_argument& e) {
      throw BadInput(e.what());
    }
    double l = std::stod(values.front()), h = std::stod(values.back());
    if (l != std::floor(l) || h != std::floor(h)) throw BadInput("--find-min " + key + ": LO and HI must be integers");
    lo = static_cast<long long>(l);
    hi = static_cast<long long>(h);
  }
  return {key, lo, hi};
}

// Whether every variant of one probe meets every constraint (on the mean over seeds); `detail`
// gets the figures, for the probe's line.
bool probeMeets(const SweepPlan& plan, const std::vector<PointResult>& results,
                const std::vector<MetricConstraint>& constraints, std::string& detail) {
  bool ok = true;
  for (const auto& variant : plan.variants) {
    std::vector<PointResult> group;
    for (const auto& r : results)
      if (r.point.variant == variant) group.push_back(r);
    for (const auto& c : constraints) {
      double mean = groupMean(group, c.metric);
      const std::string parent = c.metric.substr(0, c.metric.rfind('.'));
      if (std::isnan(mean) && !metricValue(group.front().variant, parent + ".count"))
        throw BadInput("--subject-to: no figure '" + c.metric + "' in the results");
      ok = ok && !std::isnan(mean) && c.satisfiedBy(mean);  // unmeasured meets nothing
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", mean);
      if (!detail.empty()) detail += ' ';
      if (plan.variants.size() > 1) detail.append(variant).append(":");
      detail.append(c.metric).append("=").append(std::isnan(mean) ? "unmeasured" : buf);
    }
  }
  return ok;
}

// --find-min: bisects KEY over LO..HI, one probe = every variant x seed at one value; writes the
// probes' sweep.csv (by value) and ends with "min KEY = N" or "none in range LO..HI".
int capacitySearch(SweepPlan plan, const std::vector<MetricConstraint>& constraints, const std::string& spec,
                   const fs::path& dir, int jobs) {
  auto [key, lo, hi] = parseFindMin(spec);
  plan.params = {{key, {std::to_string(lo), std::to_string(hi)}}};
  validatePlan(plan);
  std::vector<PointResult> all;
  CapacityResult r = findMinimum(lo, hi, [&](long long n) {
    std::vector<SweepPoint> points = expandGrid({{key, {std::to_string(n)}}}, plan.variants, plan.seeds);
    for (auto& p : points) p.index += all.size();
    auto results = runPoints(plan, points, dir, jobs, false);
    std::string detail;
    bool ok = probeMeets(plan, results, constraints, detail);
    all.insert(all.end(), results.begin(), results.end());
    std::printf("probe %s=%lld: %s (%s)\n", key.c_str(), n, ok ? "meets" : "misses", detail.c_str());
    std::fflush(stdout);
    return ok;
  });
  // sweep.csv lists the probes by value, not in the order the bisection took them.
  std::stable_sort(all.begin(), all.end(), [](const PointResult& a, const PointResult& b) {
    return std::stoll(a.point.params.front().second) < std::stoll(b.point.params.front().second);
  });
  plan.params = {{key, {}}};
  for (size_t i = 0; i < all.size(); ++i) {
    all[i].point.index = i;
    auto& values = plan.params[0].values;
    const std::string& v = all[i].point.params.front().second;
    if (values.empty() || values.back() != v) values.push_back(v);
  }
  plan.totalPoints = all.size();
  writeSweep(dir, plan, all);
  std::printf("sweep.csv: %s (%d probes)\n", (dir / "sweep.csv").string().c_str(), r.probes);
  if (r.minimum)
    std::printf("min %s = %lld\n", key.c_str(), *r.minimum);
  else
    std::printf("none in range %lld..%lld\n", lo, hi);
  return kOk;
}

}  // namespace

int cmdSweep(const Args& args) {
  po::options_description visible(
      "schedlab sweep SCENARIO.yaml [--variant NAME]... --param KEY=V1,V2|LO..HI[:STEP]... [--seeds K] [--jobs N]\n"
      "               [--out DIR] [--shard I/N] [--find-min KEY[=LO..HI] --subject-to \"metric.path<=value\"...]");
  visible.add_options()("help,h", "show this help")(
      "param,p", po::value<std::vector<std::string>>()->composing(),
      "a grid axis: KEY=V1,V2,... or KEY=LO..HI[:STEP] (KEY as for --set)")(
      "variant", po::value<std::vector<std::string>>()->composing(), "only this variant (repeatable)")(
      "seeds", po::value<int>()->default_value(1), "seeds per point: run.seed, run.seed+1, ...")(
      "jobs,j", po::value<int>()->default_value(static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
      "processes at once (default: the cores)")("out,o", po::value<std::string>(),
                                                "sweep directory (default out/<scenario>-sweep)")(
      "shard", po::value<std::string>(), "run only shard I of N (I/N); join shards with schedlab merge")(
      "find-min", po::value<std::string>(), "smallest integer KEY in LO..HI (default 1..64) meeting --subject-to")(
      "subject-to", po::value<std::vector<std::string>>()->composing(),
      "a constraint on a figure's mean over seeds, e.g. metrics.task_transition_latency_s.p95<=3s")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field at every point")(
      "quiet,q", "no progress on stderr");
  auto parsed = parseCommand("sweep", args, visible, "SCENARIO.yaml");
  if (!parsed) return kOk;
  const auto& vm = parsed->options;

  SweepPlan plan;
  plan.scenarioPath = parsed->positional[0];
  plan.sets = values(vm, "set");
  auto scenarios = loadChecked({plan.scenarioPath, plan.sets, values(vm, "variant")});
  plan.scenarioName = scenarios.front().name;
  for (const auto& s : scenarios) plan.variants.push_back(s.variant);
  const int seeds = vm["seeds"].as<int>();
  const int jobs = vm["jobs"].as<int>();
  if (seeds < 1) throw BadInput("--seeds: must be at least 1");
  if (jobs < 1) throw BadInput("--jobs: must be at least 1");
  for (int i = 0; i < seeds; ++i) plan.seeds.push_back(scenarios.front().run.seed + static_cast<uint64_t>(i));
  try {
    for (const auto& p : values(vm, "param")) plan.params.push_back(parseSweepParam(p));
  } catch (const std::invalid_argument& e) {
    throw BadInput(e.what());
  }
  std::vector<MetricConstraint> constraints;
  try {
    for (const auto& c : values(vm, "subject-to")) constraints.push_back(parseConstraint(c));
  } catch (const std::invalid_argument& e) {
    throw BadInput(std::string("--subject-to ") + e.what());
  }
  std::vector<std::string> extra;
  for (const auto& c : constraints) extra.push_back(c.metric);
  for (const auto& sla : scenarios.front().slas) extra.push_back(sla.bound.metric);
  plan.metrics = sweepMetrics(extra);
  const fs::path dir =
      vm.count("out") ? fs::path(vm["out"].as<std::string>()) : fs::path("out") / (plan.scenarioName + "-sweep");
  const bool progress = !vm.count("quiet");

  if (vm.count("find-min")) {
    if (!plan.params.empty() || vm.count("shard"))
      throw BadInput("--find-min searches one parameter: it cannot be combined with --param or --shard");
    if (constraints.empty()) throw BadInput("--find-min needs at least one --subject-to \"metric.path<=value\"");
    return capacitySearch(plan, constraints, vm["find-min"].as<std::string>(), dir, jobs);
  }

  validatePlan(plan);
  std::vector<SweepPoint> points = expandGrid(plan.params, plan.variants, plan.seeds);
  plan.totalPoints = points.size();
  if (vm.count("shard")) {
    try {
      auto [i, n] = parseShard(vm["shard"].as<std::string>());
      points = shardOf(points, i, n);
      plan.shard = vm["shard"].as<std::string>();
    } catch (const std::invalid_argument& e) {
      throw BadInput(e.what());
    }
  }
  const auto start = Clock::now();
  auto results = runPoints(plan, points, dir, jobs, progress);
  writeSweep(dir, plan, results);
  std::printf("sweep: %zu of %zu points in %.1f s -> %s\n", points.size(), plan.totalPoints,
              std::chrono::duration<double>(Clock::now() - start).count(), (dir / "sweep.csv").string().c_str());
  return kOk;
}

// The plan a sweep.json describes. Throws BadInput naming the file when it is not one.
SweepPlan planOfManifest(const nlohmann::json& manifest, const fs::path& file) {
  try {
    SweepPlan plan;
    plan.scenarioPath = manifest.at("scenario");
    plan.scenarioName = manifest.at("scenario_name");
    plan.sets = manifest.at("sets").get<std::vector<std::string>>();
    for (const auto& p : manifest.at("params"))
      plan.params.push_back({p.at("key"), p.at("values").get<std::vector<std::string>>()});
    plan.variants = manifest.at("variants").get<std::vector<std::string>>();
    plan.seeds = manifest.at("seeds").get<std::vector<uint64_t>>();
    plan.metrics = manifest.at("metrics").get<std::vector<std::string>>();
    plan.totalPoints = manifest.at("points").get<size_t>();
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw BadInput(file.string() + ": not a sweep.json as schedlab sweep writes it: " + e.what());
  }
}

int cmdMerge(const Args& args) {
  po::options_description visible("schedlab merge SWEEP_DIR... --out DIR");
  visible.add_options()("help,h", "show this help")("out,o", po::value<std::string>(), "the merged sweep directory");
  auto parsed = parseCommand("merge", args, visible, "SWEEP_DIR", 1, -1);
  if (!parsed) return kOk;
  if (!parsed->options.count("out")) throw BadInput("--out DIR is required");
  const fs::path out = parsed->options["out"].as<std::string>();
  // Everything is read and checked before anything is written: bad input leaves --out as it was.
  nlohmann::json manifest;
  SweepPlan plan;
  std::vector<PointResult> results;
  std::set<size_t> seen;
  struct Copy {
    fs::path from, to;
  };
  std::vector<Copy> copies;
  for (const auto& d : parsed->positional) {
    const fs::path file = fs::path(d) / "sweep.json";
    nlohmann::json m = readJsonFile(file);
    if (!m.is_object()) throw BadInput(file.string() + ": not a sweep.json as schedlab sweep writes it");
    nlohmann::json comparable = m;
    comparable.erase("shard");
    if (manifest.is_null()) {
      plan = planOfManifest(m, file);
      manifest = comparable;
    } else if (comparable != manifest) {
      throw BadInput(d + ": a shard of a different sweep (sweep.json differs)");
    }
    if (!fs::exists(fs::path(d) / "points")) continue;
    for (const auto& entry : fs::directory_iterator(fs::path(d) / "points")) {
      if (!fs::exists(entry.path() / "point.json") || !fs::exists(entry.path() / "results.json")) continue;
      SweepPoint p;
      nlohmann::json variant;
      try {
        p = pointFromJson(readJsonFile(entry.path() / "point.json"));
        variant = readJsonFile(entry.path() / "results.json").at("variants").at(0);
      } catch (const nlohmann::json::exception& e) {
        throw BadInput(entry.path().string() + ": not a point as schedlab sweep writes it: " + e.what());
      }
      if (p.index >= plan.totalPoints)
        throw BadInput(entry.path().string() + ": point " + std::to_string(p.index) + " is not in the sweep");
      if (!seen.insert(p.index).second) throw BadInput(d + ": point " + pointName(p.index) + " is in two shards");
      results.push_back({p, variant});
      fs::path target = out / "points" / pointName(p.index);
      if (fs::exists(target) && fs::equivalent(target, entry.path())) continue;  // merging into a shard
      for (const char* f : {"point.json", "results.json"}) copies.push_back({entry.path() / f, target / f});
    }
  }
  std::string missing;
  for (size_t i = 0; i < plan.totalPoints; ++i)
    if (!seen.count(i)) missing.append(" ").append(pointName(i));
  if (!missing.empty()) throw BadInput("points missing (a shard not given?):" + missing);
  for (const Copy& c : copies) {
    fs::create_directories(c.to.parent_path());
    fs::copy_file(c.from, c.to, fs::copy_options::overwrite_existing);
  }
  fs::create_directories(out);
  writeSweep(out, plan, results);
  std::printf("merged %zu points from %zu shards -> %s\n", results.size(), parsed->positional.size(),
              (out / "sweep.csv").string().c_str());
  return kOk;
}

}  // namespace schedlab::cli
