#include "engine/SimGridRuntime.h"

#include <simgrid/plugins/load.h>

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

void SimGridRuntime::compute(int host, double coreSeconds) {
  sg4::this_actor::exec_init(coreSeconds * kCoreSpeed)->set_host(workers_[static_cast<size_t>(host)])->wait();
}

double SimGridRuntime::computedSeconds(int host) const {
  return sg_host_get_computed_flops(workers_[static_cast<size_t>(host)]) / kCoreSpeed;
}

}  // namespace schedlab
