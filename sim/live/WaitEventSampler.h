// What a live run's database backends wait for: a thread of its own samples `pg_stat_activity`
// on a connection of its own while the run runs. A DB that limits the scheduler shows its
// statements waiting on each other's locks (a hot page's content lock, a table's extension) as
// well as for the CPU, which the simulator's cores do not model. Its own backend's CPU is the
// harness's, not the run's: the live DB's busy time leaves it out (backendSeconds).
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

  // Stops sampling and closes the connection; returns the active client backends per wait event
  // (`type:event`, `cpu` for none), averaged over the samples taken.
  std::map<std::string, double> stop();
  long long samples() const { return samples_; }
  // CPU seconds its backend has run so far (what it had at stop() once stopped); 0 when the
  // server's processes cannot be read.
  double backendSeconds() const;

 private:
  void run(double interval);

  std::unique_ptr<pqxx::connection> c_;
  int backend_ = 0;  // its backend's pid, 0 when not visible
  std::atomic<bool> stopping_{false};
  std::atomic<double> backendAtStop_{-1};
  std::map<std::string, long long> counts_;
  long long samples_ = 0;
  std::thread thread_;
};

}  // namespace schedlab
