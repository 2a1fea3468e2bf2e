#include "scenario/yaml/Sections.h"

namespace schedlab::yaml {

void readRunSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("run"), "run");
  s.run.horizon = f.duration("horizon", s.run.horizon, 1e-3);
  // Ten years of simulated time is far beyond any capacity question; longer is a typo (1e308d).
  constexpr double kLongestHorizon = 3660 * 86400.0;
  if (s.run.horizon > kLongestHorizon) ctx.fail(f.raw("horizon"), "run.horizon", "longer than 3660d (ten years)");
  s.run.warmup = f.duration("warmup", s.run.warmup);
  if (s.run.warmup >= s.run.horizon) ctx.fail(f.raw("warmup"), "run.warmup", "must be shorter than run.horizon");
  s.run.seed = static_cast<uint64_t>(f.integer("seed", 1, 0, 2147483647));
  s.run.sampleInterval = f.duration("sample_interval", s.run.sampleInterval, 1e-3);
  s.run.taskInstancesCsv = f.boolean("task_instances_csv", true);
  s.run.loopsCsv = f.boolean("loops_csv", false);
  if (f.has("start")) {
    YAML::Node n = f.raw("start");
    auto d = n.IsScalar() ? parseDate(n.Scalar()) : std::nullopt;
    if (!d) ctx.fail(n, "run.start", "expected a date such as 2020-01-01 or 2020-01-01T06:00:00");
    s.run.start = *d;
  }
  f.finish();
}

}  // namespace schedlab::yaml
