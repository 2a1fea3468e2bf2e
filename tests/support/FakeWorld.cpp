#include "support/FakeWorld.h"

#include <stdexcept>

namespace schedlab::test {

double FakeQueryService::serve(const QueryBatch& batch, double clientSecondsPerStatement) {
  long long n = 0;
  for (int c : batch.counts()) n += c;
  busy_ += static_cast<double>(n) * perStatement_;
  rt_.sleepFor(static_cast<double>(n) * (perStatement_ + clientSecondsPerStatement));
  return static_cast<double>(n) * perStatement_;
}

FakeWorld::FakeWorld(Scenario sc, double secondsPerStatement)
    : scenario(std::move(sc)),
      model(
          scenario, rt,
          [this, secondsPerStatement](size_t) { return std::make_unique<FakeQueryService>(rt, secondsPerStatement); }),
      state(model.state()),
      jobs(model.jobs()),
      executor(model.executor()),
      db(model.context().db(InstanceId(0))) {}

RunId FakeWorld::startDueRun(DagId dag, double now) {
  const std::vector<RunId> created = state.createDueRuns(dag, now, 1);
  if (created.empty()) throw std::logic_error("no run of this DAG is due then");
  state.startQueuedRuns(dag, now);
  return created[0];
}

std::vector<TiId> FakeWorld::queueReady(RunId r, double now) {
  for (TiId ti : state.evaluate(r, now).ready) state.markScheduled(ti, now);
  return state.queueExecutable(SchedulerId(0), 512, now);
}

}  // namespace schedlab::test
