// What a live run's database backends wait for: a thread of its own samples `pg_stat_activity`
// on a connection of its own while the run runs. A DB that limits the scheduler shows its
// statements waiting on each other's locks (a hot page's content lock, a table's extension) as
// well as for the CPU, which the simulator's cores do not model.
#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace schedlab {

class WaitEventSampler {
 public:
  // Starts sampling every `interval` seconds on `connection` (its own backend is left out).
  // REQUIRES: connection is open and used by nothing else; interval > 0.
  WaitEventSampler(std::unique_ptr<pqxx::connection> connection, double interval);
  ~WaitEventSampler();  // stops it if stop() was not called

  // Stops sampling; returns the active client backends per wait event (`type:event`, `cpu` for
  // none), averaged over the samples taken.
  std::map<std::string, double> stop();
  long long samples() const { return samples_; }

 private:
  void run(double interval);

  std::unique_ptr<pqxx::connection> c_;
  std::atomic<bool> stopping_{false};
  std::map<std::string, long long> counts_;
  long long samples_ = 0;
  std::thread thread_;
};

}  // namespace schedlab
