#include "engine/WakeQueue.h"

#include <algorithm>
#include <cmath>

#include "engine/SimClock.h"

#include <simgrid/kernel/Timer.hpp>
#include <xbt/config.hpp>

namespace sg4 = simgrid::s4u;

namespace schedlab {

namespace {
struct WakesAfter {
  template <class S>
  bool operator()(const S& a, const S& b) const {
    return a.after(b);
  }
};
}  // namespace

WakeQueue::WakeQueue() : precision_(simgrid::config::get_value<double>("surf/precision")) {
  // Every solve of the engine ends in a time advance: sleepers due within the precision of the new
  // clock wake there, before the engine hands out what else ended then. (The engine's own clock
  // here and in wakeDue(): SimClock's copy may be updated by a later handler of the same signal.)
  sg4::Engine::on_time_advance_cb([this](double) {
    ++rounds_;
    if (!heap_.empty() && heap_.front().at - sg4::Engine::get_clock() < precision_) wakeDue();
  });
}

WakeQueue& WakeQueue::instance() {
  // One queue per simulation process: an engine runs one simulation (see Isolated.h).
  static WakeQueue queue;
  return queue;
}

void WakeQueue::sleepFor(double seconds) {
  if (seconds <= 0) return;
  instance().add(seconds);
  sg4::this_actor::suspend();
}

void WakeQueue::sleepUntil(double time) {
  const double now = SimClock::now();
  if (time > now) sleepFor(time - now);
}

void WakeQueue::add(double seconds) {
  // As SimGrid's CPU model dates a sleep: from its start, at least the precision long.
  const double at = SimClock::now() + std::max(seconds, precision_);
  heap_.push_back({at, rounds_, begun_++, sg4::Actor::self()});
  std::push_heap(heap_.begin(), heap_.end(), WakesAfter{});
  if (timer_ == nullptr || at < timerAt_) arm();
}

void WakeQueue::arm() {
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
  if (heap_.empty()) return;
  timerAt_ = heap_.front().at;
  timer_ = simgrid::kernel::timer::Timer::set(timerAt_, [this] {
    timer_ = nullptr;
    wakeDue();
  });
}

void WakeQueue::wakeDue() {
  const double now = sg4::Engine::get_clock();
  while (!heap_.empty() && std::abs(heap_.front().at - now) < precision_) {
    sg4::Actor* actor = heap_.front().actor;
    std::pop_heap(heap_.begin(), heap_.end(), WakesAfter{});
    heap_.pop_back();
    actor->resume();
  }
  arm();
}

}  // namespace schedlab
