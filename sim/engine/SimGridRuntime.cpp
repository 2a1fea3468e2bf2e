#include "engine/SimGridRuntime.h"

namespace sg4 = simgrid::s4u;

namespace schedlab {
namespace {

class SimGridSemaphore final : public Semaphore {
 public:
  explicit SimGridSemaphore(unsigned initial) : s_(sg4::Semaphore::create(initial)) {}
  void acquire() override { s_->acquire(); }
  bool acquireTimeout(double seconds) override { return s_->acquire_timeout(seconds); }
  void release() override { s_->release(); }

 private:
  sg4::SemaphorePtr s_;
};

}  // namespace

void SimGridRuntime::spawn(const std::string& name, std::function<void()> body) {
  sg4::Actor::create(name, host_, std::move(body));
}

SemaphorePtr SimGridRuntime::semaphore(unsigned initial) { return std::make_shared<SimGridSemaphore>(initial); }

}  // namespace schedlab
