#include "scenario/yaml/Sections.h"

#include <filesystem>
#include <fstream>

#include "scenario/Duration.h"
#include "scenario/ScenarioError.h"

namespace schedlab::yaml {

namespace {

// A trace file: one arrival per line, its first comma-separated field a time since the run's
// start (seconds, or a duration such as 90s or 1.5h); blank lines, '#' comments and a header
// line are skipped. Errors name the trace file's line.
std::vector<double> readTrace(const Context& ctx, const YAML::Node& ref, const std::string& path,
                              const std::string& field) {
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path)) ctx.fail(ref, field, "cannot read the trace file " + path);
  std::vector<double> times;
  std::string line;
  int lineNo = 0;
  bool headerSkipped = false;
  while (std::getline(in, line)) {
    ++lineNo;
    std::string first = line.substr(0, line.find(','));
    first.erase(0, first.find_first_not_of(" \t\r"));
    first.erase(first.find_last_not_of(" \t\r") + 1);
    if (first.empty() || first[0] == '#') continue;
    auto t = parseDuration(first);
    if (!t && times.empty() && !headerSkipped) {  // a header line before the first time
      headerSkipped = true;
      continue;
    }
    if (!t || *t < 0)
      throw ScenarioError(path, lineNo, 1, field, "'" + first + "' is not a time since the start (e.g. 90 or 1.5h)");
    times.push_back(*t);
  }
  if (times.empty()) ctx.fail(ref, field, "the trace file " + path + " holds no arrivals");
  return times;
}

// How a trigger stream's events arrive: `kind` and its fields.
void readArrivals(const Context& ctx, Fields& f, const YAML::Node& entry, const std::string& p, TriggerStream& t) {
  static const std::vector<std::pair<std::string, TriggerStream::Kind>> kinds = {
      {"poisson", TriggerStream::Kind::Poisson},
      {"profile", TriggerStream::Kind::Profile},
      {"burst", TriggerStream::Kind::Burst},
      {"trace", TriggerStream::Kind::Trace}};
  t.kind = f.choice("kind", TriggerStream::Kind::Poisson, kinds);
  switch (t.kind) {
    case TriggerStream::Kind::Poisson: {
      YAML::Node rate = f.raw("rate");
      if (!rate.IsDefined()) ctx.fail(entry, p + ".rate", "a Poisson stream needs a rate (e.g. 30/h)");
      t.ratePerSecond = rateOf(ctx, rate, p + ".rate");
      break;
    }
    case TriggerStream::Kind::Profile: {
      YAML::Node rates = f.raw("rates");
      if (!rates.IsSequence() || rates.size() != 24)
        ctx.fail(rates.IsDefined() ? rates : entry, p + ".rates",
                 "a profile needs 24 rates, one per hour of day from 00:00 (e.g. [2/h, 1/h, ...])");
      for (size_t h = 0; h < 24; ++h)
        t.hourlyRates.push_back(rateOf(ctx, rates[h], p + ".rates[" + std::to_string(h) + "]"));
      break;
    }
    case TriggerStream::Kind::Burst: {
      t.burstCount = f.integer("count", 1, 1, 1000000);
      if (f.has("every")) t.burstEvery = f.duration("every", 0, 1e-3);
      YAML::Node at = f.raw("at");
      if (at.IsDefined()) {
        if (!at.IsSequence()) ctx.fail(at, p + ".at", "expected a list of times, e.g. [2h, 5h30m]");
        for (size_t k = 0; k < at.size(); ++k)
          t.burstTimes.push_back(f.durationOf(at[k], p + ".at[" + std::to_string(k) + "]"));
      }
      if (t.burstTimes.empty() && t.burstEvery <= 0)
        ctx.fail(entry, p, "a burst stream needs `at: [times]` or `every: duration`");
      break;
    }
    case TriggerStream::Kind::Trace: {
      std::string file = f.text("file", "");
      if (file.empty()) ctx.fail(entry, p + ".file", "a trace stream needs `file:` (a CSV of arrival times)");
      if (std::filesystem::path(file).is_relative())
        file = (std::filesystem::path(ctx.file).parent_path() / file).string();
      t.traceTimes = readTrace(ctx, f.raw("file"), file, p + ".file");
      break;
    }
  }
}

}  // namespace

// Arrival streams.
void readTriggersSection(const Context& ctx, Fields& top, Scenario& s, const References& refs) {
  YAML::Node triggers = top.raw("triggers");
  if (triggers.IsDefined() && !triggers.IsNull()) {
    if (!triggers.IsSequence()) ctx.fail(triggers, "triggers", "expected a list of arrival streams");
    forEachNamedEntry(ctx, triggers, "triggers", "trigger stream",
                      [&](Fields& f, const YAML::Node& entry, size_t, const std::string& p, const std::string& name) {
                        TriggerStream t;
                        t.name = name;
                        readArrivals(ctx, f, entry, p, t);
                        t.start = f.duration("start", 0);
                        t.end = f.has("end") ? f.duration("end", 0) : -1;
                        t.dag = f.text("dag", "");
                        if (!t.dag.empty() && !refs.dagNodes.count(t.dag))
                          ctx.fail(entry["dag"], p + ".dag", "unknown DAG '" + t.dag + "'");
                        s.triggers.push_back(t);
                      });
  }
}

}  // namespace schedlab::yaml
