// The server's speed for a backend's start in a live run's window, by a yardstick that is none of
// the run's connections: a thread of the harness opens a connection every so often, as a live run's
// actors and calibrate's connection probe open theirs (the connect, its search_path, its backend's
// pid), and reads its backend's own CPU up to then. A DB-bound run's starts cost 0.95-1.22x what
// calibrate measured beside its readers, and a transition's p95 follows them (README, "The
// DB-bound live check"). Its connections stay open until close(): their backends' ends then come
// after the run's DB CPU is read, which leaves them out with the rest of their CPU.
#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace schedlab {

class StartProbeThread {
 public:
  // Opens a connection with `connect` every `every` seconds, at most `most` of them.
  // REQUIRES: every > 0, most >= 0.
  StartProbeThread(std::function<std::unique_ptr<pqxx::connection>()> connect, double every, int most);
  ~StartProbeThread();  // stops it and closes its connections

  // Stops opening connections; they stay open.
  void stop();
  // Stops it and closes its connections; backendSeconds() stays at what they had run.
  void close();
  // The starts measured and their backends' CPU up to their first answers, summed. Thread-safe.
  int starts() const;
  double startSeconds() const;
  // CPU seconds its connections' backends have run so far: the harness's. Thread-safe.
  double backendSeconds() const;

 private:
  void run(double every, int most);

  std::function<std::unique_ptr<pqxx::connection>()> connect_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> connections_;
  std::vector<int> backends_;
  double startSeconds_ = 0;
  double closedSeconds_ = -1;  // their backends' CPU at close(), -1 before
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace schedlab
