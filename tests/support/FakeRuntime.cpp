#include "support/FakeRuntime.h"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace schedlab::test {

namespace {
// Thrown into an actor by the runtime's destructor, so that it unwinds on its own stack.
struct Stop {};
constexpr size_t kStackBytes = 512 * 1024;

// AddressSanitizer must be told which stack runs after each swap: the actors' stacks are ours,
// and an exception unwinding one of them is otherwise reported as a use after scope.
void startSwitch(void** fakeStackSave, const void* bottom, size_t size) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_start_switch_fiber(fakeStackSave, bottom, size);
#else
  (void)fakeStackSave, (void)bottom, (void)size;
#endif
}
void finishSwitch(void* fakeStackSave, const void** bottomOld, size_t* sizeOld) {
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_finish_switch_fiber(fakeStackSave, bottomOld, sizeOld);
#else
  (void)fakeStackSave, (void)bottomOld, (void)sizeOld;
#endif
}
}  // namespace

struct FakeRuntime::Actor {
  FakeRuntime* rt;
  std::function<void()> body;
  std::vector<char> stack;
  ucontext_t context{};
  uint64_t token = 0;  // bumped at every wake: older due entries are stale
  bool started = false, ended = false;
};

namespace {

class FakeSemaphore : public Semaphore {
 public:
  FakeSemaphore(FakeRuntime& rt, unsigned initial) : rt_(rt), count_(initial) {}

  void acquire() override {
    if (count_ > 0) {
      --count_;
      return;
    }
    Waiter w(*this);
    rt_.block();
  }

  bool acquireTimeout(double seconds) override {
    if (count_ > 0) {
      --count_;
      return false;
    }
    if (!rt_.current()) throw std::logic_error("FakeRuntime: a blocking call from outside an actor");
    Waiter w(*this);
    rt_.wake(w.actor, rt_.now() + seconds);
    rt_.block();
    return !w.granted;
  }

  bool tryAcquire() override {
    if (count_ == 0) return false;
    --count_;
    return true;
  }

  void release() override {
    if (waiters_.empty()) {
      ++count_;
      return;
    }
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    w->granted = true;
    rt_.wake(w->actor, rt_.now());
  }

 private:
  // An actor waiting in acquire, in the queue while it waits (and out of it however it stops).
  struct Waiter {
    explicit Waiter(FakeSemaphore& sem) : sem(sem), actor(sem.rt_.current()) { sem.waiters_.push_back(this); }
    ~Waiter() {
      auto it = std::find(sem.waiters_.begin(), sem.waiters_.end(), this);
      if (it != sem.waiters_.end()) sem.waiters_.erase(it);
    }
    FakeSemaphore& sem;
    FakeRuntime::Actor* actor;
    bool granted = false;
  };
  FakeRuntime& rt_;
  unsigned count_;
  std::deque<Waiter*> waiters_;
};

class FakeWork : public Work {
 public:
  FakeWork(int host, double seconds, double dueAt) : host(host), seconds(seconds), dueAt(dueAt) {}
  void cancel() override { cancelled = true; }
  const int host;
  const double seconds, dueAt;
  bool cancelled = false;
};

}  // namespace

FakeRuntime::FakeRuntime(double start) : now_(start) {}

FakeRuntime::~FakeRuntime() { stop(); }

void FakeRuntime::stop() {
  if (stopping_) return;
  stopping_ = true;
  for (auto& a : actors_)
    if (a->started && !a->ended) resume(a.get());
}

void FakeRuntime::enter(unsigned lo, unsigned hi) {
  auto* actor = reinterpret_cast<Actor*>((static_cast<uintptr_t>(hi) << 32) | lo);
  finishSwitch(nullptr, &actor->rt->driverBottom_, &actor->rt->driverSize_);
  try {
    actor->body();
  } catch (const Stop&) {
  } catch (...) {
    actor->rt->failure_ = std::current_exception();
  }
  actor->ended = true;
  startSwitch(nullptr, actor->rt->driverBottom_, actor->rt->driverSize_);  // this stack is done
}  // uc_link: back to the driver

void FakeRuntime::spawn(const std::string& name, std::function<void()> body) {
  auto actor = std::make_unique<Actor>();
  actor->rt = this;
  actor->body = std::move(body);
  actor->stack.resize(kStackBytes);
  getcontext(&actor->context);
  actor->context.uc_stack.ss_sp = actor->stack.data();
  actor->context.uc_stack.ss_size = actor->stack.size();
  actor->context.uc_link = &driver_;
  const auto p = reinterpret_cast<uintptr_t>(actor.get());
  makecontext(&actor->context, reinterpret_cast<void (*)()>(&FakeRuntime::enter), 2,
              static_cast<unsigned>(p & 0xffffffffu), static_cast<unsigned>(p >> 32));
  names_.push_back(name);
  wake(actor.get(), now_);
  actors_.push_back(std::move(actor));
}

void FakeRuntime::wake(Actor* actor, double at) { due_.push({at, seq_++, actor, ++actor->token}); }

void FakeRuntime::resume(Actor* actor) {
  Actor* caller = current_;
  current_ = actor;
  actor->started = true;
  void* fakeStack = nullptr;
  startSwitch(&fakeStack, actor->stack.data(), actor->stack.size());
  swapcontext(&driver_, &actor->context);
  finishSwitch(fakeStack, nullptr, nullptr);
  current_ = caller;
}

void FakeRuntime::block() {
  if (!current_) throw std::logic_error("FakeRuntime: a blocking call from outside an actor");
  Actor* self = current_;
  void* fakeStack = nullptr;
  startSwitch(&fakeStack, driverBottom_, driverSize_);
  swapcontext(&self->context, &driver_);
  finishSwitch(fakeStack, &driverBottom_, &driverSize_);
  if (stopping_) throw Stop{};
}

void FakeRuntime::runUntil(double time) {
  if (current_) throw std::logic_error("FakeRuntime::runUntil from an actor");
  while (!due_.empty() && due_.top().at <= time) {
    const Due d = due_.top();
    due_.pop();
    if (d.token != d.actor->token || d.actor->ended) continue;
    now_ = std::max(now_, d.at);
    resume(d.actor);
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }
  now_ = std::max(now_, time);
}

void FakeRuntime::sleepFor(double seconds) { sleepUntil(now_ + seconds); }

void FakeRuntime::sleepUntil(double time) {
  if (!current_) throw std::logic_error("FakeRuntime: a blocking call from outside an actor");
  wake(current_, std::max(time, now_));
  block();
}

SemaphorePtr FakeRuntime::semaphore(unsigned initial) { return std::make_shared<FakeSemaphore>(*this, initial); }

WorkPtr FakeRuntime::startCompute(int host, double coreSeconds) {
  return std::make_shared<FakeWork>(host, coreSeconds, now_ + coreSeconds);
}

bool FakeRuntime::wait(const WorkPtr& work) {
  auto& w = static_cast<FakeWork&>(*work);
  sleepUntil(w.dueAt);
  if (w.cancelled) return false;
  computed_[w.host] += w.seconds;
  return true;
}

Runtime::WaitResult FakeRuntime::waitUntil(const WorkPtr& work, double deadline) {
  auto& w = static_cast<FakeWork&>(*work);
  if (w.dueAt <= deadline) return wait(work) ? WaitResult::Done : WaitResult::Cancelled;
  sleepUntil(deadline);
  // Still due at dueAt: counted when waited for again (work dropped after a timeout is not).
  return w.cancelled ? WaitResult::Cancelled : WaitResult::TimedOut;
}

double FakeRuntime::computedSeconds(int host) const {
  auto it = computed_.find(host);
  return it == computed_.end() ? 0 : it->second;
}

size_t FakeRuntime::actorsAlive() const {
  return static_cast<size_t>(std::count_if(actors_.begin(), actors_.end(), [](auto& a) { return !a->ended; }));
}

}  // namespace schedlab::test
