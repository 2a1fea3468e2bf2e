// `schedlab sweep` and `schedlab merge`: a grid of `schedlab run`s in parallel processes, the
// capacity search (--find-min) and the joining of shards. Every point is one `schedlab run` of
// one variant and seed into DIR/points/NNNN/; sweep.csv is computed from those results only,
// so a merged set of shards gives the same file as one unsharded run.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "cli/RunSummary.h"
#include "results/MetricLookup.h"
#include "results/ResultsWriter.h"
#include "scenario/ScenarioLoader.h"
#include "sweep/CapacitySearch.h"
#include "sweep/SlurmArray.h"
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

// A point already run into `pdir` by this sweep: its point.json names it and its results are there.
bool pointDone(const fs::path& pdir, const SweepPoint& p) {
  if (!fs::exists(pdir / "results.json") || !fs::exists(pdir / "point.json")) return false;
  try {
    return readJsonFile(pdir / "point.json") == pointJson(p);
  } catch (const BadInput&) {
    return false;
  }
}

// Runs the points into `dir`/points/NNNN/, as many processes at once as `jobs` allows; returns
// their results.
// A point that fails stops nothing, but the sweep reports it and exits 1. `resume`: a point whose
// results are there already (pointDone) is not run again.
std::vector<PointResult> runPoints(const SweepPlan& plan, const std::vector<SweepPoint>& points, const fs::path& dir,
                                   JobLimit jobs, bool progress, bool resume = false) {
  const std::string self = selfPath();
  std::vector<std::vector<std::string>> commands;
  std::vector<std::string> logs;
  std::vector<SweepPoint> kept, torun;
  for (const auto& p : points)
    (resume && pointDone(dir / "points" / pointName(p.index), p) ? kept : torun).push_back(p);
  std::vector<PointResult> out;
  for (const auto& p : kept)
    out.push_back({p, readJsonFile(dir / "points" / pointName(p.index) / "results.json").at("variants").at(0)});
  for (const auto& p : torun) {
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
  Progress bar(torun.size(), progress);
  std::vector<int> codes(torun.size(), -1);
  runAll(commands, logs, jobs, [&](size_t i, int rc) {
    codes[i] = rc;
    bar.done();
  });
  std::string failed;
  for (size_t i = 0; i < torun.size(); ++i) {
    if (codes[i] != 0) {
      failed.append(" ").append(pointName(torun[i].index)).append(" (exit ").append(std::to_string(codes[i]));
      failed.append(", see ").append(logs[i]).append(")");
      continue;
    }
    nlohmann::json results = readJsonFile(fs::path(logs[i]).parent_path() / "results.json");
    out.push_back({torun[i], results.at("variants").at(0)});
  }
  if (!failed.empty()) throw std::runtime_error("sweep points failed:" + failed);
  std::sort(out.begin(), out.end(),
            [](const PointResult& a, const PointResult& b) { return a.point.index < b.point.index; });
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

// What --slurm needs besides the plan: the options, and the sweep's own flags a shard repeats.
struct SlurmRun {
  SlurmOptions options;
  int seeds = 1;
  double pollSeconds = 2;
};

// A shard's command: this sweep of `plan`, its variants, values and seeds spelled out.
std::vector<std::string> shardCommand(const SweepPlan& plan, int seeds) {
  std::vector<std::string> cmd = {selfPath(), "sweep", fs::absolute(plan.scenarioPath).string()};
  for (const auto& v : plan.variants) cmd.insert(cmd.end(), {"--variant", v});
  for (const auto& p : plan.params) {
    std::string values;
    for (const auto& v : p.values) {
      if (!values.empty()) values += ',';
      values += v;
    }
    cmd.insert(cmd.end(), {"--param", p.key + "=" + values});
  }
  cmd.insert(cmd.end(), {"--seeds", std::to_string(seeds)});
  for (const auto& s : plan.sets) cmd.insert(cmd.end(), {"--set", s});
  return cmd;
}

// Runs the plan's grid as one Slurm job array in `dir` (task I: shard I/N into dir/shards/I) and
// returns every point's result, in index order. A re-run in the same `dir` submits only the tasks
// whose shard has points without results. Empty when not waiting (--no-wait: the job id and the
// merge command printed). Throws SlurmFailed after reporting failed tasks on stderr.
struct SlurmFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<PointResult> slurmPoints(const SweepPlan& plan, const SlurmRun& run, const fs::path& dir, bool& waited) {
  waited = run.options.wait;
  const std::vector<SweepPoint> points = expandGrid(plan.params, plan.variants, plan.seeds);
  const int tasks = static_cast<int>(std::min<size_t>(
      points.size(), run.options.arraySize > 0 ? static_cast<size_t>(run.options.arraySize) : size_t{64}));
  // The same sweep as before in this directory, or none: a different one is not resumed.
  nlohmann::json manifest = manifestJson(plan);
  manifest["scenario"] = fs::absolute(plan.scenarioPath).string();
  manifest["slurm_array"] = tasks;
  const fs::path manifestFile = dir / "slurm" / "sweep.json";
  if (fs::exists(manifestFile) && readJsonFile(manifestFile) != manifest)
    throw BadInput(dir.string() + ": a different sweep (or --array) ran here (" + manifestFile.string() +
                   " differs); give another --out");
  fs::create_directories(dir / "slurm");
  writeFileAtomically(manifestFile.string(), manifest.dump(2) + "\n");

  auto shardPoints = [&](int i) { return shardOf(points, i, tasks); };
  auto donePoints = [&](int i) {
    size_t n = 0;
    for (const auto& p : shardPoints(i)) n += pointDone(shardDir(dir, i) / "points" / pointName(p.index), p);
    return n;
  };
  SlurmArraySpec spec;
  spec.jobName = "schedlab-" + plan.scenarioName;
  spec.sweepCommand = shardCommand(plan, run.seeds);
  spec.dir = dir;
  spec.tasks = tasks;
  spec.options = run.options;
  size_t done = 0;
  for (int i = 1; i <= tasks; ++i) {
    const size_t d = donePoints(i);
    done += d;
    if (d < shardPoints(i).size()) spec.indices.push_back(i);
  }
  if (done > 0)
    std::fprintf(stderr, "sweep: %zu of %zu points done already in %s\n", done, points.size(), dir.string().c_str());
  if (!spec.indices.empty()) {
    SlurmArray array;
    const long long job = array.submit(spec);
    std::string list;
    for (int i : spec.indices) {
      if (!list.empty()) list += ',';
      list += std::to_string(i);
    }
    std::fprintf(stderr, "sweep: submitted job %lld, array tasks %s of %d (%zu points)\n", job, list.c_str(), tasks,
                 points.size() - done);
    if (!run.options.wait) {
      std::printf("job %lld\n", job);
      std::printf("when it has ended: schedlab merge %s/shards/* --out %s\n", dir.string().c_str(),
                  dir.string().c_str());
      return {};
    }
    const auto start = Clock::now();
    const bool tty = ::isatty(2);
    auto ends = array.follow(job, spec, run.pollSeconds, [&](int ended, int running, int pending) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      std::fprintf(stderr, "%sslurm job %lld: %d/%zu array tasks ended, %d running, %d pending, %s elapsed%s",
                   tty ? "\r" : "", job, ended, spec.indices.size(), running, pending, fmtClock(elapsed).c_str(),
                   tty ? "   " : "\n");
      if (tty && ended == static_cast<int>(spec.indices.size())) std::fprintf(stderr, "\n");
      std::fflush(stderr);
    });
    int failed = 0;
    for (const TaskEnd& e : ends) {
      if (e.exitCode == 0) continue;
      ++failed;
      std::string missed;
      for (const auto& p : shardPoints(e.index))
        if (!pointDone(shardDir(dir, e.index) / "points" / pointName(p.index), p)) {
          missed += ' ';
          missed += pointName(p.index);
        }
      const std::string how = e.exitCode > 0 ? "failed (exit " + std::to_string(e.exitCode) + ")"
                                             : "ended without its marker (" + e.state + ")";
      std::fprintf(stderr, "sweep: array task %d %s; points missed:%s\n", e.index, how.c_str(),
                   missed.empty() ? " none" : missed.c_str());
      const std::string tail = lastLines(taskLog(dir, e.index), 10);
      std::fprintf(stderr, "  last lines of %s:\n%s", taskLog(dir, e.index).string().c_str(),
                   tail.empty() ? "  (empty)\n" : tail.c_str());
    }
    if (failed > 0)
      throw SlurmFailed(std::to_string(failed) + " of " + std::to_string(spec.indices.size()) +
                        " array tasks failed; the same command again runs only the points missed");
  }
  // Every point's result, copied where an unsharded sweep puts it (dir/points/NNNN/).
  std::vector<PointResult> out;
  for (int i = 1; i <= tasks; ++i)
    for (const auto& p : shardPoints(i)) {
      const fs::path pdir = shardDir(dir, i) / "points" / pointName(p.index);
      out.push_back({p, readJsonFile(pdir / "results.json").at("variants").at(0)});
      const fs::path target = dir / "points" / pointName(p.index);
      fs::create_directories(target);
      for (const char* f : {"point.json", "results.json"})
        fs::copy_file(pdir / f, target / f, fs::copy_options::overwrite_existing);
    }
  std::sort(out.begin(), out.end(),
            [](const PointResult& a, const PointResult& b) { return a.point.index < b.point.index; });
  return out;
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
                   const fs::path& dir, JobLimit jobs, const SlurmRun* slurm) {
  auto [key, lo, hi] = parseFindMin(spec);
  plan.params = {{key, {std::to_string(lo), std::to_string(hi)}}};
  validatePlan(plan);
  std::vector<PointResult> all;
  CapacityResult r = findMinimum(lo, hi, [&](long long n) {
    std::vector<PointResult> results;
    if (slurm) {
      // The probe's variants x seeds as one array, in a directory of its own.
      SweepPlan probe = plan;
      probe.params = {{key, {std::to_string(n)}}};
      bool waited = true;
      results = slurmPoints(probe, *slurm, dir / "probes" / (key + "=" + std::to_string(n)), waited);
      for (auto& r : results) r.point.index += all.size();
    } else {
      std::vector<SweepPoint> points = expandGrid({{key, {std::to_string(n)}}}, plan.variants, plan.seeds);
      for (auto& p : points) p.index += all.size();
      results = runPoints(plan, points, dir, jobs, false);
    }
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
      "               [--out DIR] [--shard I/N | --slurm [--partition P] [--array N] [--time LIMIT] [--no-wait]]\n"
      "               [--resume] [--find-min KEY[=LO..HI] --subject-to \"metric.path<=value\"...]");
  visible.add_options()("help,h", "show this help")(
      "param,p", po::value<std::vector<std::string>>()->composing(),
      "a grid axis: KEY=V1,V2,... or KEY=LO..HI[:STEP] (KEY as for --set)")(
      "variant", po::value<std::vector<std::string>>()->composing(), "only this variant (repeatable)")(
      "seeds", po::value<int>()->default_value(1), "seeds per point: run.seed, run.seed+1, ...")(
      "jobs,j", po::value<int>(),
      "processes at once (default: the cores, and the last few started beside the ones before them)")(
      "out,o", po::value<std::string>(), "sweep directory (default out/<scenario>-sweep)")(
      "shard", po::value<std::string>(), "run only shard I of N (I/N); join shards with schedlab merge")(
      "find-min", po::value<std::string>(), "smallest integer KEY in LO..HI (default 1..64) meeting --subject-to")(
      "subject-to", po::value<std::vector<std::string>>()->composing(),
      "a constraint on a figure's mean over seeds, e.g. metrics.task_transition_latency_s.p95<=3s")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a field at every point")(
      "resume", "keep the points already run into --out by this same sweep; run the rest")(
      "slurm", "run the points as a Slurm job array (sbatch on the PATH), follow it, merge the shards")(
      "partition", po::value<std::string>(), "with --slurm: sbatch --partition")(
      "array", po::value<int>(), "with --slurm: tasks in the array, each a shard (default: a point each, at most 64)")(
      "time", po::value<std::string>(), "with --slurm: sbatch --time, a task's limit (e.g. 30:00)")(
      "no-wait", "with --slurm: submit, print the job id and the merge command, and return")("quiet,q",
                                                                                             "no progress on stderr");
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
  if (seeds < 1) throw BadInput("--seeds: must be at least 1");
  const JobLimit jobs = jobsOption(vm);
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
  const bool resume = vm.count("resume") > 0;

  std::unique_ptr<SlurmRun> slurm;
  for (const char* o : {"partition", "array", "time", "no-wait"})
    if (vm.count(o) && !vm.count("slurm")) throw BadInput(std::string("--") + o + " goes with --slurm");
  if (vm.count("slurm")) {
    if (vm.count("shard")) throw BadInput("--slurm shards the sweep itself: it cannot be combined with --shard");
    for (const char* tool : {"sbatch", "squeue", "scontrol"})
      if (commandOnPath(tool).empty())
        throw BadInput(std::string("--slurm: ") + tool +
                       " is not on the PATH (Slurm's client commands are needed; without them, run the sweep "
                       "here, or by --shard I/N on each machine)");
    slurm = std::make_unique<SlurmRun>();
    slurm->seeds = seeds;
    if (vm.count("partition")) slurm->options.partition = vm["partition"].as<std::string>();
    if (vm.count("time")) slurm->options.timeLimit = vm["time"].as<std::string>();
    if (vm.count("array")) {
      slurm->options.arraySize = vm["array"].as<int>();
      if (slurm->options.arraySize < 1) throw BadInput("--array: must be at least 1");
    }
    slurm->options.wait = !vm.count("no-wait");
    if (const char* poll = std::getenv("SCHEDLAB_SLURM_POLL_S")) slurm->pollSeconds = std::max(0.1, std::atof(poll));
  }

  if (vm.count("find-min")) {
    if (!plan.params.empty() || vm.count("shard"))
      throw BadInput("--find-min searches one parameter: it cannot be combined with --param or --shard");
    if (constraints.empty()) throw BadInput("--find-min needs at least one --subject-to \"metric.path<=value\"");
    if (slurm && !slurm->options.wait) throw BadInput("--no-wait: a capacity search needs each probe's results");
    return capacitySearch(plan, constraints, vm["find-min"].as<std::string>(), dir, jobs, slurm.get());
  }

  validatePlan(plan);
  std::vector<SweepPoint> points = expandGrid(plan.params, plan.variants, plan.seeds);
  plan.totalPoints = points.size();
  if (slurm) {
    const auto start = Clock::now();
    bool waited = true;
    std::vector<PointResult> results;
    try {
      results = slurmPoints(plan, *slurm, dir, waited);
    } catch (const SlurmFailed& e) {
      std::fprintf(stderr, "schedlab sweep: %s\n", e.what());
      return kFailed;
    }
    if (!waited) return kOk;
    writeSweep(dir, plan, results);
    std::printf("sweep: %zu points on Slurm in %.1f s -> %s\n", results.size(),
                std::chrono::duration<double>(Clock::now() - start).count(), (dir / "sweep.csv").string().c_str());
    return kOk;
  }
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
  // This sweep's manifest first: a re-run with --resume keeps only points of the same sweep.
  const fs::path manifestFile = dir / "sweep.json";
  if (resume && fs::exists(manifestFile) && readJsonFile(manifestFile) != manifestJson(plan))
    throw BadInput("--resume: " + dir.string() + " holds a different sweep (" + manifestFile.string() + " differs)");
  fs::create_directories(dir);
  writeFileAtomically(manifestFile.string(), manifestJson(plan).dump(2) + "\n");
  auto results = runPoints(plan, points, dir, jobs, progress, resume);
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
