#include "live/LiveQueryService.h"

#include <unistd.h>
#include <pqxx/pqxx>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "live/WaitEventSampler.h"
#include "model/MetadataDb.h"
#include "model/WorkflowState.h"
#include "pg/LiveStatements.h"
#include "pg/ServerCpu.h"

namespace schedlab {
namespace {

// One connection per actor thread and service.
struct ThreadConnection {
  std::unique_ptr<pqxx::connection> c;
  int backend = 0;        // its server process, when on this machine (else 0)
  double backendCpu = 0;  // that process's CPU seconds when its last statement ended
};
thread_local std::map<const void*, ThreadConnection> tlsConnections;

}  // namespace

LiveQueryService::LiveQueryService(LiveRuntime& rt, std::string conninfo, std::string schema,
                                   const MetadbConfig& config, int serverPid, bool countsServer, long long firstJobId)
    : rt_(rt),
      conninfo_(std::move(conninfo)),
      schema_(std::move(schema)),
      serverPid_(serverPid),
      countsServer_(countsServer),
      nextJob_(firstJobId) {
  if (config.poolSize > 0) pool_ = rt.semaphore(static_cast<unsigned>(config.poolSize));
}

LiveQueryService::~LiveQueryService() = default;

// The text of parameter `p` of a statement of `e`, about DAG `dag`, run `run` and task instance `ti`
// (each may be none).
std::string LiveQueryService::param(LiveParam p, const QueryEntry& e, DagId dag, RunId run, TiId ti) {
  WorkflowState& st = *state_;
  auto need = [&](bool ok) {
    if (!ok)
      throw std::logic_error(std::string("live: query ") + std::string(queryInfo(e.type).name) +
                             " has no subject for a parameter");
  };
  auto ids = [](auto&& range, auto&& id) {
    std::vector<std::string> out;
    for (const auto& x : range) out.push_back(id(x));
    return textArray(out);
  };
  switch (p) {
    case LiveParam::DagId:
      need(dag.valid());
      return st.dag(dag).id;
    case LiveParam::Run:
      need(run.valid());
      return runDate(run);
    case LiveParam::PreviousRun: {
      need(run.valid());
      const RunId previous = st.run(run).previous;
      // Without one: the interval before, where no run is (the dependency's query finds nothing).
      return previous.valid()
                 ? runDate(previous)
                 : timestampLiteral(st.run(run).executionDate - calendarStart_ + rt_.wallClockAtZero() - 3600);
    }
    case LiveParam::RunId: {
      need(run.valid());
      // Airflow's run_id: "scheduled__" and the execution date in ISO 8601.
      std::string id = st.run(run).external ? "manual__" : "scheduled__";
      id += runDate(run);
      id[id.find(' ')] = 'T';  // ISO 8601
      id += ":00";
      return id;
    }
    case LiveParam::RunState: {
      need(run.valid());
      static const char* names[] = {"queued", "running", "success", "failed"};
      return names[static_cast<int>(st.run(run).state)];
    }
    case LiveParam::TaskId:
      need(ti.valid());
      return st.taskDef(ti).id;
    case LiveParam::Upstream: {
      need(ti.valid());
      const DagDef& def = st.def(st.dagOf(ti));
      return ids(st.taskDef(ti).upstream, [&](int u) { return def.tasks[static_cast<size_t>(u)].id; });
    }
    case LiveParam::TaskIds:
      need(run.valid());
      return ids(st.def(st.run(run).dag).tasks, [](const TaskDef& t) { return t.id; });
    case LiveParam::TryNumber:
      need(ti.valid());
      return std::to_string(st.ti(ti).tryNumber + 1);
    case LiveParam::JobId: {
      need(ti.valid());
      auto it = jobOfTi_.find(ti);
      return std::to_string(it == jobOfTi_.end() ? 1 : it->second);
    }
    case LiveParam::EndState:
      return e.rescheduled ? "up_for_reschedule" : e.failed ? "failed" : "success";
    case LiveParam::DagIds:
      return ids(e.tis, [&](TiId t) { return st.dag(st.dagOf(t)).id; });
    case LiveParam::TaskIdList:
      return ids(e.tis, [&](TiId t) { return st.taskDef(t).id; });
    case LiveParam::RunList:
      return ids(e.tis, [&](TiId t) { return runDate(st.ti(t).run); });
  }
  return "";
}

std::string LiveQueryService::runDate(RunId run) const {
  const DagRun& r = state_->run(run);
  // A triggered run's date is its trigger's moment, which another run of its DAG may share (two
  // triggers at once, or one on a schedule point): its ordinal in microseconds keeps the key
  // (dag_id, execution_date) unique.
  const double unique = r.external ? 1e-6 * (r.ordinal % 1000000 + 1) : 0;
  return timestampLiteral(r.executionDate - calendarStart_ + rt_.wallClockAtZero() + unique);
}

void LiveQueryService::resolve(const QueryEntry& e, std::vector<Call>& calls) {
  const auto& statements = liveStatements(e.type);
  if (statements.empty())
    throw std::runtime_error(std::string("live runs cannot send query type ") + std::string(queryInfo(e.type).name));
  WorkflowState& st = *state_;
  // The task instance of repetition k: the one named, else the run's k-th, else any (executor
  // events name none: they read one finished task instance each).
  auto tiOf = [&](int k) -> TiId {
    if (!e.tis.empty()) return e.tis[static_cast<size_t>(k) % e.tis.size()];
    if (e.run.valid()) return st.run(e.run).firstTi + k % static_cast<int>(st.def(st.run(e.run).dag).tasks.size());
    if (st.tiCount() == 0) return TiId();
    return TiId(nextEventTi_++ % st.tiCount());
  };
  const int reps = liveBatchQuery(e.type) ? 1 : e.times;
  for (int k = 0; k < reps; ++k) {
    bool tiParams = false;
    for (const auto& statement : statements)
      for (LiveParam p : statement.params)
        tiParams |= p == LiveParam::TaskId || p == LiveParam::Upstream || p == LiveParam::TryNumber;
    const TiId ti = tiParams || !e.tis.empty() ? tiOf(k) : TiId();
    const RunId run = e.run.valid() ? e.run : (ti.valid() ? st.ti(ti).run : RunId());
    const DagId dag = e.dag.valid() ? e.dag : (run.valid() ? st.run(run).dag : DagId());
    if (e.type == QueryType::WorkerStart && ti.valid()) jobOfTi_[ti] = nextJob_++;
    for (size_t i = 0; i < statements.size(); ++i) {
      Call call{static_cast<int>(i), e.type, {}};
      for (LiveParam p : statements[i].params) call.params.push_back(param(p, e, dag, run, ti));
      calls.push_back(std::move(call));
    }
    if (e.type == QueryType::WorkerFinish && ti.valid()) jobOfTi_.erase(ti);
  }
}

double LiveQueryService::serve(const QueryBatch& batch, double clientSecondsPerStatement) {
  std::vector<Call> calls;
  for (const QueryEntry& e : batch.entries()) resolve(e, calls);
  if (pool_) pool_->acquire();
  std::array<double, kQueryTypeCount> took{}, cpu{};
  rt_.outside([&] {
    ThreadConnection& tc = tlsConnections[this];
    if (!tc.c) {
      // The connection's start (the postmaster forks its backend, which starts up) is answered
      // with its first statement, as the simulator charges it.
      const auto t0 = std::chrono::steady_clock::now();
      tc.c = std::make_unique<pqxx::connection>(conninfo_);
      ++opened_;
      pqxx::nontransaction(*tc.c).exec("SET search_path TO " + schema_);
      if (!calls.empty())
        took[static_cast<size_t>(calls.front().type)] +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (serverPid_ > 0) {
        BackendCpu backend(*tc.c);
        if (backend.visible()) {
          tc.backend = backend.pid();
          tc.backendCpu = std::max(0.0, processRunSeconds(tc.backend));
          ++startsMeasured_;
          startBackendNanos_ += std::llround(tc.backendCpu * 1e9);
        }
      }
    }
    // The client's work is owed per statement; sleeps that overshoot are paid back by the next.
    using Clock = std::chrono::steady_clock;
    double owed = 0;
    for (const Call& call : calls) {
      owed += clientSecondsPerStatement;
      if (owed > 0) {
        auto t0 = Clock::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(owed));
        owed -= std::chrono::duration<double>(Clock::now() - t0).count();
      }
      auto t0 = Clock::now();
      pqxx::nontransaction tx(*tc.c);
      tx.exec(withLiterals(tx, liveStatements(call.type)[call.statement].sql, call.params));
      took[static_cast<size_t>(call.type)] += std::chrono::duration<double>(Clock::now() - t0).count();
      // A statement's server CPU runs from the end of the connection's previous one: what the
      // backend does after answering (its statistics, going back to sleep) and on waking for this
      // one is owed to the statements it serves, as calibrate's paced clients count it.
      if (tc.backend) {
        const double now = processRunSeconds(tc.backend);
        cpu[static_cast<size_t>(call.type)] += std::max(0.0, now - tc.backendCpu);
        tc.backendCpu = std::max(tc.backendCpu, now);
      }
    }
  });
  if (pool_) pool_->release();
  double answered = 0;
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    seconds_[i] += took[i];
    cpuSeconds_[i] += cpu[i];
    answered += took[i];
  }
  sent_ += static_cast<long long>(calls.size());
  return answered;
}

double LiveQueryService::busySeconds() const {
  if (serverPid_ <= 0 || !countsServer_) return 0;
  // The postmaster and every live child, to the nanosecond, plus the backends it has reaped.
  double harness = 0;
  for (const auto& backendSeconds : leftOut_) harness += backendSeconds();
  return serverSeconds(serverPid_) - harness;
}

}  // namespace schedlab
