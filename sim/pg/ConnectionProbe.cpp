#include "pg/ConnectionProbe.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "pg/ServerCpu.h"
#include "util/Threads.h"

namespace schedlab {
namespace {

// CPU seconds of the postmaster and the children it has reaped.
double postmasterSeconds(int pid) { return reapedChildrenSeconds(pid) + std::max(0.0, processRunSeconds(pid)); }

// The backend's start and end, and its work, per connection: the postmaster's and its reaped
// children's CPU over plan.connections connections opened, sent plan.work (SELECT 1 without) and
// closed, and of it the backends' CPU while they did the work.
void measureStarts(BenchDatabase& db, SchemaLayout layout, const History& h, const ConnectionProbePlan& plan, int pid,
                   ConnectionProbeResult& out) {
  const int n = plan.connections;
  auto settled = [&] {  // once every ended backend has been reaped
    double last = postmasterSeconds(pid);
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const double now = postmasterSeconds(pid);
      if (now == last) break;
      last = now;
    }
    return last;
  };
  const double before = settled();
  double worked = 0, started = 0, backendStarted = 0;
  for (int i = 0; i < n; ++i) {
    const double forking = processRunSeconds(pid);
    auto c = db.connect(layout, h);
    const double forked = processRunSeconds(pid);
    BackendCpu backend(*c);
    if (!backend.visible()) return;
    const double cpu0 = backend.seconds();
    started += cpu0 + std::max(0.0, forked - forking);
    backendStarted += cpu0;
    if (plan.work)
      plan.work(*c, i);
    else
      pqxx::nontransaction(*c).exec("SELECT 1");
    worked += backend.seconds() - cpu0;
  }
  const double total = (settled() - before) / n;
  out.workSeconds = worked / n;
  out.setupSeconds = std::max(0.0, total - out.workSeconds);
  out.startSeconds = std::min(out.setupSeconds, started / n);
  out.startBackendSeconds = std::min(out.startSeconds, backendStarted / n);
}

// measureStarts() beside plan.busyClients connections sending `probes` in turn, each followed by
// a pause of plan.busyPace, until the starts are measured. Those connections are opened first and
// closed last: their backends, alive throughout, leave none of their CPU in the postmaster's and
// its reaped children's.
void measureSetup(BenchDatabase& db, SchemaLayout layout, const History& h, const ConnectionProbePlan& plan,
                  const std::vector<std::string>& probes, ConnectionProbeResult& out) {
  const int pid = db.serverPid();
  if (pid <= 0 || plan.connections <= 0) return;
  std::vector<std::unique_ptr<pqxx::connection>> readers;
  if (!probes.empty())
    for (int i = 0; i < plan.busyClients; ++i) readers.push_back(db.connect(layout, h));
  out.busyClients = static_cast<int>(readers.size());
  out.busyPace = plan.busyPace;
  std::atomic<bool> measured{false};
  runOnThreads(readers.size() + 1, [&](size_t i) {
    if (i > 0) {
      for (size_t k = i; !measured; ++k) {
        pqxx::nontransaction(*readers[i - 1]).exec(probes[k % probes.size()]);
        std::this_thread::sleep_for(std::chrono::duration<double>(plan.busyPace));
      }
      return;
    }
    struct Done {  // the readers stop however the measurement ends
      std::atomic<bool>& flag;
      ~Done() { flag = true; }
    } done{measured};
    measureStarts(db, layout, h, plan, pid, out);
  });
}

// A probe statement's backend CPU when each connection sends one every `idle` seconds.
double statementSeconds(BenchDatabase& db, SchemaLayout layout, const History& h, double idle, int clients,
                        double seconds, const std::vector<std::string>& probes) {
  struct Client {
    std::unique_ptr<pqxx::connection> c;
    std::unique_ptr<BackendCpu> cpu;
    double used = 0;
    long long sent = 0;
  };
  std::vector<Client> pool(static_cast<size_t>(std::max(1, clients)));
  for (Client& k : pool) {
    k.c = db.connect(layout, h);
    k.cpu = std::make_unique<BackendCpu>(*k.c);
    if (!k.cpu->visible()) return -1;
    for (const auto& q : probes) pqxx::nontransaction(*k.c).exec(q);  // caches warm first
  }
  const double length = std::max(seconds, 2 * idle);
  runOnThreads(pool.size(), [&](size_t i) {
    Client& k = pool[i];
    // The clients' sends spread over the idle period, as independent processes' are.
    std::this_thread::sleep_for(std::chrono::duration<double>(idle * static_cast<double>(i) / pool.size()));
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(length);
    const double cpu0 = k.cpu->seconds();
    while (std::chrono::steady_clock::now() < end) {
      pqxx::nontransaction(*k.c).exec(probes[static_cast<size_t>(k.sent) % probes.size()]);
      ++k.sent;
      std::this_thread::sleep_for(std::chrono::duration<double>(idle));
    }
    k.used = k.cpu->seconds() - cpu0;
  });
  double used = 0;
  long long sent = 0;
  for (const Client& k : pool) used += k.used, sent += k.sent;
  return sent > 0 ? used / static_cast<double>(sent) : -1;
}

}  // namespace

ConnectionProbeResult probeConnections(BenchDatabase& db, SchemaLayout layout, const History& h,
                                       const ConnectionProbePlan& plan) {
  ConnectionProbeResult out;
  // Held off throughout, as while the per-type costs are measured: an autovacuum worker analysing
  // the tables calibrate has just loaded would take the probed core's time and invalidate the
  // backends' cached plans, and the longer the idle period the likelier a probe meets it.
  auto paused = db.pauseAutovacuum();
  // The probe: a task instance's state by its key, as the scheduler and the task runner read it,
  // over task instances spread through the history.
  std::vector<std::string> probes;
  {
    auto c = db.connect(layout, h);
    pqxx::nontransaction tx(*c);
    const bool byDate = layout == SchemaLayout::Airflow110;
    const std::string run = byDate ? "execution_date" : "run_id";
    for (const auto& row : tx.exec("SELECT dag_id, task_id, " + run + "::text FROM task_instance ORDER BY " + run +
                                   " DESC, dag_id, task_id LIMIT 64"))
      probes.push_back("SELECT task_instance.state FROM task_instance WHERE task_instance.dag_id = " +
                       tx.quote(row[0].as<std::string>()) +
                       " AND task_instance.task_id = " + tx.quote(row[1].as<std::string>()) + " AND task_instance." +
                       run + " = " + tx.quote(row[2].as<std::string>()));
  }
  measureSetup(db, layout, h, plan, probes, out);
  if (out.setupSeconds < 0 || probes.empty()) return out;
  for (size_t i = 0; i < plan.idleSeconds.size(); ++i) {
    const int clients = plan.clients[std::min(i, plan.clients.size() - 1)];
    const double s = statementSeconds(db, layout, h, plan.idleSeconds[i], clients, plan.seconds, probes);
    if (s < 0) {  // the starts stand; no idle time is measured
      out.idleSeconds.clear();
      out.statementSeconds.clear();
      return out;
    }
    out.idleSeconds.push_back(plan.idleSeconds[i]);
    out.statementSeconds.push_back(s);
  }
  return out;
}

}  // namespace schedlab
