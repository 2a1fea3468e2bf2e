// One run's model on a FakeRuntime: a ModelRun wired exactly as the product wires it, with a fake
// query service and nothing started. A unit test reaches each component (the workflow state, the
// scheduler jobs, the executor) directly, starts only what it needs and drives the manual clock.
#pragma once

#include <memory>

#include "model/ModelRun.h"
#include "model/QueryService.h"
#include "scenario/Scenario.h"
#include "support/FakeRuntime.h"

namespace schedlab::test {

// Every statement takes `secondsPerStatement` of the caller's time, plus its client cost.
class FakeQueryService : public QueryService {
 public:
  FakeQueryService(Runtime& rt, double secondsPerStatement) : rt_(rt), perStatement_(secondsPerStatement) {}
  double serve(const QueryBatch& batch, double clientSecondsPerStatement) override;
  double busySeconds() const override { return busy_; }

 private:
  Runtime& rt_;
  double perStatement_, busy_ = 0;
};

class FakeWorld {
 public:
  explicit FakeWorld(Scenario scenario, double secondsPerStatement = 0.001);
  ~FakeWorld() { rt.stop(); }  // the actors unwind while what they use still exists

  // Creates the DAG's due runs at `now` (at most one) and starts it; returns the run.
  // REQUIRES: a run of `dag` is due at `now`.
  RunId startDueRun(DagId dag, double now);

  // Marks run `r`'s ready TIs scheduled and queues what may run, as a scheduler would at `now`
  // (the first scheduler, up to 512); returns the TIs queued.
  std::vector<TiId> queueReady(RunId r, double now);

  Scenario scenario;
  FakeRuntime rt;
  ModelRun model;
  WorkflowState& state;
  SchedulerJobs& jobs;
  Executor& executor;
  MetadataDb& db;  // the shared metadata DB
};

}  // namespace schedlab::test
