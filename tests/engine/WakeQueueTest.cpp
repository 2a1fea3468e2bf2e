// Actors sleeping on the wake queue wake as they would on SimGrid's own sleeps: at the same clock
// values, in the same order, ties included.
#include <gtest/gtest.h>

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/Isolated.h"
#include "engine/WakeQueue.h"
#include "support/OneHostEngine.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;

namespace {

// One actor's sleeps: a positive value sleeps for it, a negative one until minus it.
using Script = std::vector<double>;

// Every wake-up as "actor@clock" (the clock to the last bit), in the order actors woke.
std::string wakeLog(const std::vector<Script>& scripts, bool onQueue) {
  return runIsolated([&] {
    auto* host = test::startOneHostEngine("wakequeue", "actors");
    std::ostringstream log;
    log.precision(17);
    for (size_t a = 0; a < scripts.size(); ++a)
      sg4::Actor::create("sleeper", host, [&log, &scripts, a, onQueue] {
        for (double s : scripts[a]) {
          if (s > 0)
            onQueue ? WakeQueue::sleepFor(s) : sg4::this_actor::sleep_for(s);
          else
            onQueue ? WakeQueue::sleepUntil(-s) : sg4::this_actor::sleep_until(-s);
          log << a << '@' << sg4::Engine::get_clock() << ' ';
        }
      });
    sg4::Engine::get_instance()->run();
    return log.str();
  });
}

}  // namespace

TEST(WakeQueue, SleepersWakeAsOnSimGridsOwnSleeps) {
  // Durations that meet: whole and half seconds, tenths (whose sums round), amounts below the
  // engine's precision and ones that land within it of another sleeper's wake-up.
  const std::vector<double> durations = {1, 0.5, 2, 0.1, 0.3, 1e-10, 5e-10, 1 + 4e-10, 0.7, -3, -2.5, -4.2};
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<size_t> pick(0, durations.size() - 1);
    std::uniform_int_distribution<int> actors(2, 12), steps(1, 30);
    std::vector<Script> scripts(static_cast<size_t>(actors(gen)));
    for (auto& s : scripts) {
      double until = 0;  // a sleep until a time grows with the script, so that some are in the future
      for (int i = steps(gen); i > 0; --i) {
        double d = durations[pick(gen)];
        if (d < 0) until += -d, d = -until;
        s.push_back(d);
      }
    }
    const std::string native = wakeLog(scripts, false);
    EXPECT_EQ(wakeLog(scripts, true), native) << "seed " << seed;
    EXPECT_GT(native.size(), 0u);
  }
}

TEST(WakeQueue, ANonPositiveSleepReturnsAtOnce) { EXPECT_EQ(wakeLog({{-0.0, 1, -0.5, 2}}, true), "0@0 0@1 0@1 0@3 "); }
