// What the model's actors need from the world they run in: a clock, sleeping, starting other
// actors, semaphores and the CPUs of the worker hosts. The simulator provides them on SimGrid (virtual time, one actor
// at a time); `schedlab live` provides them with threads in wall-clock time, one actor at a time as well (a lock held
// while an actor runs, released while it sleeps, waits or queries), so the same model code makes the same decisions in
// both.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace schedlab {

class Semaphore {
 public:
  virtual ~Semaphore() = default;
  virtual void acquire() = 0;
  // True when `seconds` passed before the semaphore could be taken.
  virtual bool acquireTimeout(double seconds) = 0;
  // Takes it when that needs no wait (true), else leaves it (false): NOWAIT.
  virtual bool tryAcquire() = 0;
  virtual void release() = 0;
};
using SemaphorePtr = std::shared_ptr<Semaphore>;

// CPU work under way on a worker host; cancel() abandons it (its host died).
class Work {
 public:
  virtual ~Work() = default;
  virtual void cancel() = 0;
};
using WorkPtr = std::shared_ptr<Work>;

class Runtime {
 public:
  virtual ~Runtime() = default;
  // Seconds since the run started.
  virtual double now() const = 0;
  virtual void sleepFor(double seconds) = 0;
  virtual void sleepUntil(double time) = 0;
  // Starts an actor running `body`; it may run until the run ends.
  virtual void spawn(const std::string& name, std::function<void()> body) = 0;
  virtual SemaphorePtr semaphore(unsigned initial) = 0;
  // Runs `body` as one step of the runtime: on SimGrid a single simcall, however many semaphores
  // it releases (each release on its own is a round trip to SimGrid's maestro).
  // REQUIRES: `body` does not block (no sleep, wait or acquire).
  virtual void atomically(const std::function<void()>& body) { body(); }
  // Starts `coreSeconds` of one core's work on compute host `host` (the executor's worker hosts as
  // executorHosts lists them, then the API server's instances): it takes longer while more work
  // runs on that host than it has cores.
  virtual WorkPtr startCompute(int host, double coreSeconds) = 0;
  // Waits for the work; false when it was cancelled first.
  virtual bool wait(const WorkPtr& work) = 0;
  enum class WaitResult { Done, Cancelled, TimedOut };
  // Waits for the work until `deadline` on the runtime's clock. TimedOut leaves it running: wait
  // for it again, or drop it (it runs on to its end, and its host's computed seconds count it).
  // REQUIRES: nobody else waits for `work`.
  virtual WaitResult waitUntil(const WorkPtr& work, double deadline) = 0;
  void compute(int host, double coreSeconds) { wait(startCompute(host, coreSeconds)); }
  // Core-seconds computed on a worker host so far.
  virtual double computedSeconds(int host) const = 0;
  // Compute host `host` runs at `fraction` of its cores' speed from now on; work under way slows.
  // REQUIRES: `fraction` is one of the speeds the platform gave the host (WorkerHost::speeds).
  virtual void setComputeSpeed(int host, double fraction) = 0;
};

}  // namespace schedlab
