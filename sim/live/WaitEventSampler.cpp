#include "live/WaitEventSampler.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "pg/ServerCpu.h"

namespace schedlab {

WaitEventSampler::WaitEventSampler(std::unique_ptr<pqxx::connection> connection, double interval)
    : c_(std::move(connection)) {
  BackendCpu cpu(*c_);
  if (cpu.visible()) backend_ = cpu.pid();
  thread_ = std::thread([this, interval] { run(interval); });
}

WaitEventSampler::~WaitEventSampler() {
  if (thread_.joinable()) stop();
}

void WaitEventSampler::run(double interval) {
  const auto step =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(interval));
  auto next = std::chrono::steady_clock::now();
  try {
    while (!stopping_) {
      pqxx::nontransaction tx(*c_);
      const auto rows = tx.exec(
          "SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu') FROM pg_stat_activity "
          "WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()");
      for (const auto& row : rows) ++counts_[row[0].as<std::string>()];
      ++samples_;
      next += step;
      std::this_thread::sleep_until(next);
    }
  } catch (const std::exception&) {  // the server went away: the samples taken stand
  }
}

double WaitEventSampler::backendSeconds() const {
  if (backend_ == 0) return 0;
  const double atStop = backendAtStop_;
  return atStop >= 0 ? atStop : std::max(0.0, processRunSeconds(backend_));
}

std::map<std::string, double> WaitEventSampler::stop() {
  stopping_ = true;
  thread_.join();
  // Read before its backend ends: the server reaps it, its CPU then counted to the tick only.
  if (backend_ != 0) backendAtStop_ = std::max(0.0, processRunSeconds(backend_));
  c_.reset();
  std::map<std::string, double> out;
  for (const auto& [event, n] : counts_)
    out[event] = samples_ > 0 ? static_cast<double>(n) / static_cast<double>(samples_) : 0.0;
  return out;
}

}  // namespace schedlab
