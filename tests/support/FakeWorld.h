// One run's model parts wired on a FakeRuntime as ModelRun wires them, but without ModelRun and
// with nothing started: a unit test reaches each component (the workflow state, the scheduler
// jobs, the executor) directly, starts only what it needs and drives the manual clock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/Executor.h"
#include "model/MetadataDb.h"
#include "model/QueryService.h"
#include "model/SchedulerJobs.h"
#include "model/SimContext.h"
#include "model/TriggerHub.h"
#include "model/WorkflowState.h"
#include "results/MetricsRecorder.h"
#include "scenario/Scenario.h"
#include "support/FakeRuntime.h"

namespace schedlab::test {

// Every statement takes `secondsPerStatement` of the caller's time, plus its client cost.
class FakeQueryService : public QueryService {
 public:
  FakeQueryService(Runtime& rt, double secondsPerStatement) : rt_(rt), perStatement_(secondsPerStatement) {}
  void serve(const QueryBatch& batch, double clientSecondsPerStatement) override;
  double busySeconds() const override { return busy_; }
  long long statements() const { return statements_; }

 private:
  Runtime& rt_;
  double perStatement_, busy_ = 0;
  long long statements_ = 0;
};

// REQUIRES: a scenario with one metadata DB (no instance with metadb: own).
class FakeWorld {
 public:
  explicit FakeWorld(Scenario scenario, double secondsPerStatement = 0.001);
  ~FakeWorld() { rt.stop(); }

  Scenario scenario;
  FakeRuntime rt;
  FakeQueryService* service;  // owned by the DB
  std::unique_ptr<MetadataDb> db;
  std::vector<MetadataDb*> instanceDb;
  MetricsRecorder recorder;
  WorkflowState state;
  TriggerHub hub;
  SimContext ctx;
  std::unique_ptr<Executor> executor;
  std::unique_ptr<SchedulerJobs> jobs;
};

}  // namespace schedlab::test
