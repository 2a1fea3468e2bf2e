#include "live/LiveRuntime.h"

#include <stdexcept>

namespace schedlab {
namespace {
// The lock the current actor thread holds while it runs model code.
thread_local std::unique_lock<std::mutex>* tlsLock = nullptr;
}  // namespace

class LiveRuntime::LiveSemaphore final : public Semaphore {
 public:
  LiveSemaphore(LiveRuntime& rt, unsigned initial) : rt_(rt), count_(initial) {}

  void acquire() override {
    auto& lk = rt_.actorLock();
    available_.wait(lk, [&] { return count_ > 0 || rt_.stopping_; });
    if (rt_.stopping_) throw Stopped{};
    --count_;
  }

  bool acquireTimeout(double seconds) override {
    auto& lk = rt_.actorLock();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    bool got = available_.wait_until(lk, deadline, [&] { return count_ > 0 || rt_.stopping_; });
    if (rt_.stopping_) throw Stopped{};
    if (!got) return true;
    --count_;
    return false;
  }

  bool tryAcquire() override {
    if (count_ == 0) return false;
    --count_;
    return true;
  }

  void release() override {
    ++count_;
    available_.notify_one();
  }

  void wakeAll() { available_.notify_all(); }

 private:
  LiveRuntime& rt_;
  unsigned count_;
  std::condition_variable available_;
};

LiveRuntime::LiveRuntime() : start_(std::chrono::steady_clock::now()) {}

LiveRuntime::~LiveRuntime() {
  {
    std::lock_guard<std::mutex> g(lock_);
    stopping_ = true;
    started_ = true;
    wakeAll();
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::unique_lock<std::mutex>& LiveRuntime::actorLock() const {
  if (!tlsLock) throw std::logic_error("LiveRuntime: a blocking call outside an actor");
  return *tlsLock;
}

double LiveRuntime::now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void LiveRuntime::sleepFor(double seconds) { sleepUntil(now() + seconds); }

void LiveRuntime::sleepUntil(double time) {
  auto& lk = actorLock();
  auto deadline =
      start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(time));
  stopped_.wait_until(lk, deadline, [&] { return stopping_; });
  if (stopping_) throw Stopped{};
}

void LiveRuntime::spawn(const std::string& name, std::function<void()> body) {
  // Called under the lock (by the setup, or by an actor); once the run is over no actor starts,
  // so the list is final when run() joins it.
  if (stopping_) return;
  threads_.emplace_back([this, name, body = std::move(body)] {
    std::unique_lock<std::mutex> lk(lock_);
    tlsLock = &lk;
    stopped_.wait(lk, [&] { return started_; });
    try {
      if (!stopping_) body();
    } catch (const Stopped&) {
    } catch (const std::exception& e) {
      if (error_.empty()) error_ = name + ": " + e.what();
      stopping_ = true;
      wakeAll();
    }
    tlsLock = nullptr;
  });
}

SemaphorePtr LiveRuntime::semaphore(unsigned initial) {
  auto s = std::make_shared<LiveSemaphore>(*this, initial);
  semaphores_.push_back(s);
  return s;
}

namespace {
struct LiveWork final : Work {
  LiveWork(SemaphorePtr s, int h, double secs) : stop(std::move(s)), host(h), seconds(secs) {}
  void cancel() override { stop->release(); }
  SemaphorePtr stop;
  int host;
  double seconds;
};
}  // namespace

WorkPtr LiveRuntime::startCompute(int host, double coreSeconds) {
  return std::make_shared<LiveWork>(semaphore(0), host, coreSeconds);
}

bool LiveRuntime::wait(const WorkPtr& work) {
  auto& w = static_cast<LiveWork&>(*work);
  const double t0 = now();
  const bool done = w.stop->acquireTimeout(w.seconds);  // true: the time passed uncancelled
  if (computed_.size() <= static_cast<size_t>(w.host)) computed_.resize(static_cast<size_t>(w.host) + 1, 0);
  computed_[static_cast<size_t>(w.host)] += done ? w.seconds : now() - t0;
  return done;
}

Runtime::WaitResult LiveRuntime::waitUntil(const WorkPtr& work, double deadline) {
  auto& w = static_cast<LiveWork&>(*work);
  const double t0 = now(), budget = std::max(0.0, deadline - t0);
  if (budget >= w.seconds) return wait(work) ? WaitResult::Done : WaitResult::Cancelled;
  if (!w.stop->acquireTimeout(budget)) {
    if (computed_.size() <= static_cast<size_t>(w.host)) computed_.resize(static_cast<size_t>(w.host) + 1, 0);
    computed_[static_cast<size_t>(w.host)] += now() - t0;
    return WaitResult::Cancelled;
  }
  // Live work is a wait of its own length: what is left is waited for by the next wait.
  if (computed_.size() <= static_cast<size_t>(w.host)) computed_.resize(static_cast<size_t>(w.host) + 1, 0);
  computed_[static_cast<size_t>(w.host)] += budget;
  w.seconds -= budget;
  return WaitResult::TimedOut;
}

void LiveRuntime::setComputeSpeed(int /*host*/, double /*fraction*/) {
  throw std::logic_error("live runs have no compute hosts whose speed changes (no API server)");
}

double LiveRuntime::computedSeconds(int host) const {
  return static_cast<size_t>(host) < computed_.size() ? computed_[static_cast<size_t>(host)] : 0;
}

void LiveRuntime::outside(const std::function<void()>& work) {
  auto& lk = actorLock();
  lk.unlock();
  try {
    work();
  } catch (...) {
    lk.lock();
    throw;
  }
  lk.lock();
  if (stopping_) throw Stopped{};
}

void LiveRuntime::wakeAll() {
  stopped_.notify_all();
  for (auto& w : semaphores_)
    if (auto s = w.lock()) s->wakeAll();
}

void LiveRuntime::run(double seconds) {
  std::unique_lock<std::mutex> lk(lock_);
  start_ = std::chrono::steady_clock::now();
  wallStart_ = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  started_ = true;
  stopped_.notify_all();
  auto deadline =
      start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  stopped_.wait_until(lk, deadline, [&] { return stopping_; });
  stopping_ = true;
  wakeAll();
  lk.unlock();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  if (!error_.empty()) throw std::runtime_error(error_);
}

}  // namespace schedlab
