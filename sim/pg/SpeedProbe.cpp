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

#include "pg/ServerCpu.h"

namespace schedlab {

const std::string kSpeedProbeStatement =
    kHarnessMark + std::string(
                       "SELECT c.relname, count(a.attnum) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                       "WHERE c.relname = '<name>' GROUP BY c.relname");

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
  std::thread thread;

  void run(double interval);
};

SpeedProbeThread::SpeedProbeThread(const std::string& conninfo, double interval) : state_(std::make_unique<State>()) {
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
    state_->thread = std::thread([s = state_.get(), interval] { s->run(interval); });
  } catch (const std::exception&) {  // no thread: nothing sent
    state_->c.reset();
    state_->backend = 0;
  }
}

SpeedProbeThread::~SpeedProbeThread() { stop(); }

void SpeedProbeThread::State::run(double interval) {
  const auto step =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(interval));
  try {
    const SpeedProbePlan plan;
    size_t sent = 0;
    for (; sent < static_cast<size_t>(plan.warmup) && !stopping; ++sent) pqxx::nontransaction(*c).exec(statement(sent));
    // Counted from one statement's end to the next's, as a live run's backends are: what the
    // backend does after answering is owed to its statements too, and /proc may not yet show the
    // CPU of a backend still on a core when the answer arrives.
    double last = processRunSeconds(backend);
    while (!stopping) {
      pqxx::nontransaction(*c).exec(statement(sent++));
      const double now = processRunSeconds(backend);
      const double used = std::max(0.0, now - last);
      last = std::max(last, now);
      {
        std::lock_guard<std::mutex> lock(mutex);
        reading.cpuSeconds += used;
        ++reading.statements;
      }
      std::this_thread::sleep_for(step);  // a pause after each, as the yardstick's pace
    }
  } catch (const std::exception&) {  // the server went away: the readings taken stand
  }
}

SpeedProbeThread::Reading SpeedProbeThread::reading() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->reading;
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
