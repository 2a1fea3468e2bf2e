#include "pg/SpeedProbe.h"

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pg/ServerCpu.h"

namespace schedlab {

const std::string kSpeedProbeStatement =
    kHarnessMark + std::string(
                       "SELECT c.relname, count(a.attnum) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                       "WHERE c.relname = '<name>' GROUP BY c.relname");

const std::string kSpeedProbeBurstStatement =
    kHarnessMark + std::string(
                       "SELECT coalesce(sum(CASE WHEN state = 'success' THEN 1 ELSE 0 END), 0), "
                       "coalesce(sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0), count(task_id) FROM "
                       "schedlab_harness.yardstick WHERE dag_id = '<dag>' AND execution_date = "
                       "'2020-01-01 00:00:00+00' AND task_id IN ('task_1', 'task_2', '<task>')");

namespace {
constexpr int kYardstickDags = 25, kYardstickTasks = 40;
}  // namespace

// The bursts' table: a task_instance's key and two of its columns, 1,000 rows (25 DAGs' runs of 40
// tasks), the same on every
// server; created once per server (an advisory lock orders two probes that start together).
void createSpeedProbeTable(pqxx::connection& c) {
  pqxx::work tx(c);
  tx.exec("SELECT pg_advisory_xact_lock(74657374)");
  tx.exec("CREATE SCHEMA IF NOT EXISTS schedlab_harness");
  tx.exec(
      "CREATE TABLE IF NOT EXISTS schedlab_harness.yardstick (dag_id varchar(250), task_id varchar(250), "
      "execution_date timestamptz, state varchar(20), try_number integer, PRIMARY KEY (task_id, dag_id, "
      "execution_date))");
  tx.exec(
      "INSERT INTO schedlab_harness.yardstick SELECT 'dag_' || d, 'task_' || t, '2020-01-01 00:00:00+00', "
      "'success', 1 FROM generate_series(1, " +
      std::to_string(kYardstickDags) + ") d, generate_series(1, " + std::to_string(kYardstickTasks) +
      ") t ON CONFLICT DO NOTHING");
  tx.exec("ANALYZE schedlab_harness.yardstick");
  tx.commit();
}

std::string speedProbeBurstStatement(size_t i) {
  std::string q = kSpeedProbeBurstStatement;
  auto put = [&q](const std::string& mark, const std::string& value) { q.replace(q.find(mark), mark.size(), value); };
  put("<dag>", "dag_" + std::to_string(i % kYardstickDags + 1));
  put("<task>", "task_" + std::to_string(i / kYardstickDags % kYardstickTasks + 1));
  return q;
}

namespace {

// A catalog of every PostgreSQL 12+, so that the statements' rows are the same on every server.
constexpr const char* kNames[] = {"pg_class", "pg_attribute", "pg_type",     "pg_proc",
                                  "pg_index", "pg_namespace", "pg_database", "pg_operator"};

std::string statement(size_t i) {
  std::string q = kSpeedProbeStatement;
  const std::string mark = "<name>";
  q.replace(q.find(mark), mark.size(), kNames[i % std::size(kNames)]);
  return q;
}

}  // namespace

double speedMoved(double earlier, double later) {
  if (earlier <= 0 || later <= 0) return -1;
  return std::max(earlier, later) / std::min(earlier, later);
}

double speedSpread(const std::vector<SpeedProbeThread::Reading>& seconds, long long statements) {
  std::vector<SpeedProbeThread::Reading> parts;
  bool open = false;  // the last part still short of `statements`
  for (const SpeedProbeThread::Reading& s : seconds) {
    if (!open) parts.emplace_back();
    parts.back().cpuSeconds += s.cpuSeconds;
    parts.back().statements += s.statements;
    open = parts.back().statements < statements;
  }
  if (open && parts.size() > 1) {
    parts[parts.size() - 2].cpuSeconds += parts.back().cpuSeconds;
    parts[parts.size() - 2].statements += parts.back().statements;
    parts.pop_back();
  }
  if (parts.size() < 2) return -1;
  double dearest = 0, cheapest = 0;
  for (const SpeedProbeThread::Reading& p : parts) {
    const double cost = p.since({});
    if (cost <= 0) continue;
    dearest = dearest > 0 ? std::max(dearest, cost) : cost;
    cheapest = cheapest > 0 ? std::min(cheapest, cost) : cost;
  }
  return cheapest > 0 ? dearest / cheapest : -1;
}

double probeServerSpeed(const std::string& conninfo, const SpeedProbePlan& plan) {
  // The thread sent for plan.seconds at plan.pace: one loop for both.
  SpeedProbeThread probe(conninfo, plan.pace);
  std::this_thread::sleep_for(std::chrono::duration<double>(plan.seconds));
  probe.stop();
  return probe.reading().since({});
}

double SpeedProbeThread::Reading::since(const Reading& earlier) const {
  const long long n = statements - earlier.statements;
  return n > 0 ? (cpuSeconds - earlier.cpuSeconds) / static_cast<double>(n) : -1;
}

struct SpeedProbeThread::State {
  std::unique_ptr<pqxx::connection> c;
  int backend = 0;  // its backend's pid, 0 when not visible
  std::atomic<bool> stopping{false};
  std::atomic<double> backendAtStop{-1};
  mutable std::mutex mutex;
  Reading reading;
  std::vector<Reading> seconds;  // bySecond's
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::thread thread;

  void run(const SpeedProbeBursts& bursts);
  void count(double used);
};

// The continuous yardstick is a burst without end, counted from its first statement on.
SpeedProbeThread::SpeedProbeThread(const std::string& conninfo, double interval)
    : SpeedProbeThread(conninfo, SpeedProbeBursts{interval, 0, 0, 0}) {}

SpeedProbeThread::SpeedProbeThread(const std::string& conninfo, const SpeedProbeBursts& bursts)
    : state_(std::make_unique<State>()) {
  try {
    state_->c = std::make_unique<pqxx::connection>(conninfo);
    BackendCpu cpu(*state_->c);
    if (!cpu.visible()) return;
    state_->backend = cpu.pid();
  } catch (const std::exception&) {
    state_->c.reset();
    return;
  }
  try {
    state_->thread = std::thread([s = state_.get(), bursts] { s->run(bursts); });
  } catch (const std::exception&) {  // no thread: nothing sent
    state_->c.reset();
    state_->backend = 0;
  }
}

SpeedProbeThread::~SpeedProbeThread() { stop(); }

void SpeedProbeThread::State::count(double used) {
  const auto second =
      static_cast<size_t>(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  std::lock_guard<std::mutex> lock(mutex);
  reading.cpuSeconds += used;
  ++reading.statements;
  if (seconds.size() <= second) seconds.resize(second + 1);
  seconds[second].cpuSeconds += used;
  ++seconds[second].statements;
}

void SpeedProbeThread::State::run(const SpeedProbeBursts& bursts) {
  using Clock = std::chrono::steady_clock;
  auto span = [](double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
  const auto step = span(bursts.pace);
  try {
    const bool inBursts = bursts.statements > 0;
    if (inBursts) createSpeedProbeTable(*c);
    auto send = [&](size_t i) { pqxx::nontransaction(*c).exec(inBursts ? speedProbeBurstStatement(i) : statement(i)); };
    const SpeedProbePlan plan;
    size_t sent = 0;
    for (; sent < static_cast<size_t>(plan.warmup) && !stopping; ++sent) send(sent);
    // Counted from one statement's end to the next's, as a live run's backends are: what the
    // backend does after answering is owed to its statements too, and /proc may not yet show the
    // CPU of a backend still on a core when the answer arrives.
    double last = processRunSeconds(backend);
    while (!stopping) {
      const auto burstStart = Clock::now();
      for (int k = 0; (bursts.statements == 0 || k < bursts.statements) && !stopping; ++k) {
        send(sent++);
        const double now = processRunSeconds(backend);
        if (k >= bursts.uncounted) count(std::max(0.0, now - last));
        last = std::max(last, now);
        std::this_thread::sleep_for(step);  // a pause after each, as the yardstick's pace
      }
      // The next burst's start, in slices so that stop() does not wait for it.
      const auto next = burstStart + span(bursts.every);
      while (!stopping && Clock::now() < next) std::this_thread::sleep_for(std::min(next - Clock::now(), span(0.02)));
      last = processRunSeconds(backend);  // the pause's CPU (the backend asleep) is no statement's
    }
  } catch (const std::exception&) {  // the server went away: the readings taken stand
  }
}

SpeedProbeThread::Reading SpeedProbeThread::reading() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->reading;
}

std::vector<SpeedProbeThread::Reading> SpeedProbeThread::bySecond() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->seconds;
}

double SpeedProbeThread::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - state_->started).count();
}

void SpeedProbeThread::stop() {
  if (state_->thread.joinable()) {
    state_->stopping = true;
    state_->thread.join();
    // Read before its backend ends: the server reaps it, its CPU then counted to the tick only.
    state_->backendAtStop = std::max(0.0, processRunSeconds(state_->backend));
  }
  state_->c.reset();
}

double SpeedProbeThread::backendSeconds() const {
  if (state_->backend == 0) return 0;
  const double atStop = state_->backendAtStop;
  return atStop >= 0 ? atStop : std::max(0.0, processRunSeconds(state_->backend));
}

}  // namespace schedlab
