#include "engine/SimGridRuntime.h"

#include <algorithm>
#include <stdexcept>

#include <simgrid/simix.hpp>

#include "engine/SimClock.h"
#include "engine/StartExec.h"

namespace sg4 = simgrid::s4u;

namespace schedlab {
namespace {

class SimGridSemaphore final : public Semaphore {
 public:
  explicit SimGridSemaphore(unsigned initial) : s_(sg4::Semaphore::create(initial)) {}
  void acquire() override { s_->acquire(); }
  bool acquireTimeout(double seconds) override { return s_->acquire_timeout(seconds); }
  bool tryAcquire() override {
    if (s_->would_block()) return false;
    s_->acquire();
    return true;
  }
  void release() override { s_->release(); }

 private:
  sg4::SemaphorePtr s_;
};

}  // namespace

void SimGridRuntime::spawn(const std::string& name, std::function<void()> body) {
  sg4::Actor::create(name, host_, std::move(body));
}

SemaphorePtr SimGridRuntime::semaphore(unsigned initial) { return std::make_shared<SimGridSemaphore>(initial); }

void SimGridRuntime::atomically(const std::function<void()>& body) {
  // Inside the simcall the body runs as the maestro: SimGrid's calls in it take the direct path.
  simgrid::kernel::actor::simcall_answered([&body] { body(); });
}

class SimGridWork final : public Work {
 public:
  SimGridWork(SimGridRuntime& rt, int host, double flops)
      : rt_(rt), host_(static_cast<size_t>(host)), flops_(flops), exec_(startExec(rt.workers_[host_], flops)) {
    rt_.running_[host_].push_back({exec_, flops_});
  }
  ~SimGridWork() override {
    if (ended_) return;
    // Nobody waits for it any more (a waitUntil timed out): it runs on to its end, and the runtime
    // counts it done then (SimGridRuntime::abandoned_).
    auto& r = rt_.running_[host_];
    r.erase(std::find_if(r.begin(), r.end(), [&](const auto& x) { return x.first == exec_; }));
    rt_.abandoned_[host_].push_back({exec_, flops_});
  }
  void cancel() override {
    if (ended_) return;
    cancelled_ = true;
    end(flops_ - exec_->get_remaining());
    exec_->cancel();
  }
  bool wait() {
    try {
      exec_->wait();
    } catch (const simgrid::CancelException&) {
      return false;
    }
    if (cancelled_) return false;
    end(flops_);
    return true;
  }
  Runtime::WaitResult waitUntil(double deadline) {
    try {
      // SimGrid's wait_until returns at once, without a timeout, for a deadline already past.
      if (deadline <= SimClock::now()) {
        if (!exec_->test()) return Runtime::WaitResult::TimedOut;
      } else {
        exec_->wait_until(deadline);
      }
    } catch (const simgrid::CancelException&) {
      return Runtime::WaitResult::Cancelled;
    } catch (const simgrid::TimeoutException&) {
      return Runtime::WaitResult::TimedOut;  // still running: waited for again, or abandoned
    }
    if (cancelled_) return Runtime::WaitResult::Cancelled;
    end(flops_);
    return Runtime::WaitResult::Done;
  }

 private:
  void end(double flopsDone) {
    ended_ = true;
    rt_.done_[host_] += flopsDone;
    auto& r = rt_.running_[host_];
    r.erase(std::find_if(r.begin(), r.end(), [&](const auto& x) { return x.first == exec_; }));
  }
  SimGridRuntime& rt_;
  size_t host_;
  double flops_;
  sg4::ExecPtr exec_;
  bool cancelled_ = false, ended_ = false;
};

WorkPtr SimGridRuntime::startCompute(int host, double coreSeconds) {
  // Work nobody waits for any more is counted done once it ended.
  auto& abandoned = abandoned_[static_cast<size_t>(host)];
  std::erase_if(abandoned, [&](const auto& a) {
    if (!a.first->test()) return false;  // (an activity nobody waits for is only marked done by a test)
    done_[static_cast<size_t>(host)] += a.second;
    return true;
  });
  return std::make_shared<SimGridWork>(*this, host, coreSeconds * kCoreSpeed);
}

bool SimGridRuntime::wait(const WorkPtr& work) { return static_cast<SimGridWork&>(*work).wait(); }

Runtime::WaitResult SimGridRuntime::waitUntil(const WorkPtr& work, double deadline) {
  return static_cast<SimGridWork&>(*work).waitUntil(deadline);
}

void SimGridRuntime::setComputeSpeed(int host, double fraction) {
  sg4::Host* h = workers_[static_cast<size_t>(host)];
  for (unsigned long p = 0; p < h->get_pstate_count(); ++p)
    if (h->get_pstate_speed(p) == fraction * kCoreSpeed) {
      h->set_pstate(p);
      return;
    }
  throw std::logic_error("compute host " + h->get_name() + " has no speed " + std::to_string(fraction));
}

double SimGridRuntime::computedSeconds(int host) const {
  const size_t h = static_cast<size_t>(host);
  double flops = done_[h];
  for (const auto& [e, total] : running_[h]) flops += total - e->get_remaining();
  for (const auto& [e, total] : abandoned_[h]) flops += total - e->get_remaining();
  return flops / kCoreSpeed;
}

}  // namespace schedlab
