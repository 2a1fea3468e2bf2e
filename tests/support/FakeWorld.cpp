#include "support/FakeWorld.h"

namespace schedlab::test {

void FakeQueryService::serve(const QueryBatch& batch, double clientSecondsPerStatement) {
  long long n = 0;
  for (int c : batch.counts()) n += c;
  statements_ += n;
  busy_ += static_cast<double>(n) * perStatement_;
  rt_.sleepFor(static_cast<double>(n) * (perStatement_ + clientSecondsPerStatement));
}

namespace {

std::unique_ptr<MetadataDb> fakeDb(const Scenario& sc, Runtime& rt, double perStatement, FakeQueryService*& service) {
  auto owned = std::make_unique<FakeQueryService>(rt, perStatement);
  service = owned.get();
  auto db = std::make_unique<MetadataDb>(sc.metadb, QueryCostModel::shipped(), sc.metadb.initialRows, std::move(owned));
  db->slotPoolLock = rt.semaphore(1);
  std::vector<MetadataDb::Failover> failovers;
  for (size_t k = 0; k < sc.faults.size(); ++k)
    if (sc.faults[k].kind == Fault::Kind::DbFailover)
      failovers.push_back(
          {sc.faults[k].at, sc.faults[k].at + sc.faults[k].duration, sc.faults[k].failsQueries, static_cast<int>(k)});
  if (!failovers.empty()) db->setFailovers(rt, failovers);
  return db;
}

std::vector<std::string> streams(const Scenario& sc) {
  std::vector<std::string> names;
  for (const auto& t : sc.triggers) names.push_back(t.name);
  return names;
}

}  // namespace

FakeWorld::FakeWorld(Scenario sc, double secondsPerStatement)
    : scenario(std::move(sc)),
      db(fakeDb(scenario, rt, secondsPerStatement, service)),
      instanceDb(scenario.instances.size(), db.get()),
      recorder(scenario.run.warmup),
      state(scenario, instanceDb, recorder),
      hub(rt, streams(scenario)),
      ctx{scenario, rt, instanceDb, recorder, state, hub} {
  executor = makeExecutor(ctx);
  ctx.executor = executor.get();
  jobs = std::make_unique<SchedulerJobs>(ctx);
  ctx.jobs = jobs.get();
}

}  // namespace schedlab::test
