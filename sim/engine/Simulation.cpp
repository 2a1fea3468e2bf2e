#include "engine/Simulation.h"

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <malloc.h>

#include <chrono>
#include <cmath>

#include "engine/EngineArguments.h"
#include "engine/Isolated.h"
#include "engine/ProgressBoard.h"
#include "engine/SimGridQueryService.h"
#include "engine/SimGridRuntime.h"
#include "engine/UnusedModels.h"
#include "model/ApiServer.h"
#include "model/ModelRun.h"
#include "results/MetricSchema.h"

namespace sg4 = simgrid::s4u;

namespace schedlab {

RunResult runSimulation(const Scenario& sc, const SimulationOptions& options) {
  using Clock = std::chrono::steady_clock;
  xbt_log_control_set("root.thres:critical");
  // On glibc's malloc (the sanitizer builds; others run on TCMalloc, where this does nothing):
  // blocks of 128 KiB and more (pages of task instances, chunks of samples) come from mmap and go
  // back to the system when freed. glibc raises that threshold after each such free, and its heap
  // then fills with holes that a long run's pages of finished runs leave behind: the memory of a
  // week-long run grew with the task instances although their pages were released.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  static EngineArguments args("schedlab");  // SimGrid keeps argv
  // The engine and everything actors still block on at the horizon are deliberately never
  // destroyed: SimGrid aborts when a semaphore in use is freed, and the simulation process ends
  // right after this run anyway (see Isolated.h).
  sg4::Engine& engine = *new sg4::Engine(args.argc(), args.argv());

  // Platform: a host for every actor but the workers, and the compute hosts: the executor's
  // workers, then (airflow3) the API server's instances. A metadata DB's cores are its query
  // service's own (SimGridQueryService). Everything that crosses hosts is modelled as latency of
  // its own (broker latency, DB round trip), so no network routes are needed.
  auto* zone = sg4::create_full_zone("world");
  sg4::Host* actors = zone->create_host("airflow", 1e9)->seal();
  std::vector<sg4::Host*> workers;
  for (const WorkerHost& w : executorHosts(sc.executor))
    workers.push_back(
        zone->create_host("worker-" + w.name, SimGridRuntime::kCoreSpeed)->set_core_count(w.cores)->seal());
  for (const WorkerHost& a : apiServerHosts(sc)) {  // airflow3: after the executor's, as ModelRun numbers them
    std::vector<double> speeds;
    for (double f : a.speeds) speeds.push_back(f * SimGridRuntime::kCoreSpeed);
    workers.push_back(zone->create_host(a.name, speeds)->set_core_count(a.cores)->seal());
  }
  zone->seal();
  const UnusedModels unused(engine);

  auto& runtime = *new SimGridRuntime(actors, workers);
  auto& model = *new ModelRun(sc, runtime, [&](size_t) { return std::make_unique<SimGridQueryService>(sc.metadb); });
  if (!options.triesPath.empty()) model.streamTries(options.triesPath);
  if (!options.loopsPath.empty()) model.streamLoops(options.loopsPath);
  model.start();

  // Progress once a run has taken more than a wall second.
  const auto wallStart = Clock::now();
  long long events = 0;
  auto lastPrint = wallStart;
  engine.on_time_advance_cb([&](double /*delta*/) {
    ++events;
    if (!options.progress || (events & 0x3ff) != 0) return;
    auto t = Clock::now();
    if (t - wallStart < std::chrono::seconds(1) || t - lastPrint < std::chrono::milliseconds(500)) return;
    lastPrint = t;
    const double wall = std::chrono::duration<double>(t - wallStart).count();
    options.progress({sg4::Engine::get_clock(), sc.run.horizon, static_cast<double>(events) / wall});
  });

  double end = sc.run.horizon;
  if (model.endsWhenDone()) {
    // One sample interval at a time, until the sampler finds every run done.
    for (double t = sc.run.sampleInterval; t <= sc.run.horizon + 1e-9 && model.doneAt() < 0; t += sc.run.sampleInterval)
      engine.run_until(t);
    if (model.doneAt() < 0) engine.run_until(sc.run.horizon);
    end = model.doneAt() < 0 ? sc.run.horizon : sg4::Engine::get_clock();
  } else {
    engine.run_until(sc.run.horizon);
  }
  const double wall = std::chrono::duration<double>(Clock::now() - wallStart).count();
  unused.checkIdle();
  return model.results(end, {{"virtual_seconds", end},
                             {"wall_seconds", roundMetric(wall)},
                             {"events", events},
                             {"events_per_second", std::round(static_cast<double>(events) / std::max(wall, 1e-9))}});
}

RunResult simulateIsolated(const Scenario& sc, const SimulationOptions& options) {
  const std::string payload = runIsolated([&] { return runSimulation(sc, options).toJson().dump(); });
  return RunResult::fromJson(nlohmann::json::parse(payload));
}

std::vector<RunResult> simulateEachIsolated(const std::vector<Scenario>& scenarios,
                                            const std::vector<SimulationOptions>& options, JobLimit jobs,
                                            bool progress) {
  std::vector<std::string> names;
  for (const Scenario& s : scenarios) names.push_back(s.variant);
  ProgressBoard board(names);  // its line ends with it, before whatever is printed next (an error too)
  std::vector<std::string> payloads;
  try {
    payloads = runIsolatedEach(
        scenarios.size(), jobs,
        [&](size_t i) {
          SimulationOptions o = options[i];
          if (progress) o.progress = [&board, i](const SimulationProgress& p) { board.post(i, p); };
          return runSimulation(scenarios[i], o).toJson().dump();
        },
        progress ? std::function<void()>([&] { board.draw(); }) : std::function<void()>(),
        [&](size_t i) { board.ended(i); });
  } catch (const IsolatedFailure& e) {
    if (scenarios.size() == 1) throw;
    throw IsolatedFailure(e.index, "variant " + scenarios[e.index].variant + ": " + e.what());
  }
  std::vector<RunResult> out;
  for (std::string& p : payloads) {
    out.push_back(RunResult::fromJson(nlohmann::json::parse(p)));
    std::string().swap(p);
  }
  return out;
}

}  // namespace schedlab
