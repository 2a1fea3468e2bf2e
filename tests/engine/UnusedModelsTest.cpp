// The models the simulator never uses leave the engine's step loop: what it does use (a compute
// exec, a semaphore's timeout) still ends when it did, and an activity of another kind is caught.
#include <gtest/gtest.h>

#include <simgrid/kernel/resource/Model.hpp>
#include <simgrid/s4u.hpp>

#include <sstream>
#include <stdexcept>
#include <string>

#include "engine/Isolated.h"
#include "engine/UnusedModels.h"
#include "support/OneHostEngine.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;

namespace {

std::string modelNames(const std::vector<simgrid::kernel::resource::Model*>& models) {
  std::string s;
  for (auto* m : models) s += m->get_name() + " ";
  return s;
}

}  // namespace

TEST(UnusedModels, OnlyTheCpuModelStaysInTheStepLoop) {
  const std::string names = runIsolated([] {
    test::startOneHostEngine("unusedmodels", "h");
    sg4::Engine& e = *sg4::Engine::get_instance();
    const std::string before = modelNames(e.get_all_models());
    const UnusedModels unused(e);
    return before + "| " + modelNames(unused.models()) + "| " + modelNames(e.get_all_models());
  });
  EXPECT_EQ(names,
            "Host_CLM03 Cpu_Cas01 Network_LegrandVelho VM_HL13 VmCpu_Cas01 Disk | "
            "Host_CLM03 Network_LegrandVelho VM_HL13 VmCpu_Cas01 Disk | Cpu_Cas01 ");
}

TEST(UnusedModels, ExecsAndTimeoutsEndAsBefore) {
  // 2 Gflop on the 1 Gflop/s host, then a 0.25 s timeout on a semaphore nobody releases, then 0.5
  // Gflop: each ends when it would with every model in the loop.
  auto log = [](bool drop) {
    return runIsolated([drop] {
      sg4::Host* h = test::startOneHostEngine("unusedmodels", "h");
      sg4::Engine& e = *sg4::Engine::get_instance();
      auto* unused = drop ? new UnusedModels(e) : nullptr;  // (never destroyed, as the engine)
      std::ostringstream out;
      out.precision(17);
      sg4::Actor::create("worker", h, [&out] {
        sg4::this_actor::execute(2e9);
        out << sg4::Engine::get_clock() << ' ';
        auto sem = sg4::Semaphore::create(0);
        out << sem->acquire_timeout(0.25) << '@' << sg4::Engine::get_clock() << ' ';
        sg4::this_actor::exec_init(0.5e9)->start()->wait();
        out << sg4::Engine::get_clock();
      });
      e.run();
      if (unused) unused->checkIdle();
      return out.str();
    });
  };
  EXPECT_EQ(log(false), "2 1@2.25 2.75");
  EXPECT_EQ(log(true), "2 1@2.25 2.75");
}

TEST(UnusedModels, NoneIsTakenOutUnderTheParallelTaskHostModel) {
  // host/model:ptask_L07 holds every action, a CPU's too, in its host model.
  const std::string out = runIsolated([] {
    sg4::Host* h = test::startOneHostEngine("unusedmodels", "h", {"--cfg=host/model:ptask_L07"});
    sg4::Engine& e = *sg4::Engine::get_instance();
    auto* unused = new UnusedModels(e);
    std::ostringstream log;
    sg4::Actor::create("worker", h, [&log] {
      sg4::this_actor::execute(2e9);
      log << sg4::Engine::get_clock();
    });
    e.run();
    unused->checkIdle();
    return modelNames(unused->models()) + "| " + log.str();
  });
  EXPECT_EQ(out, "| 2");
}

TEST(UnusedModels, AnActivityOnAModelTakenOutIsCaught) {
  // A disk read never ends once the disk model is out of the loop: the actor's wait times out, and
  // checkIdle() names the model instead of a run ending with it silently stuck.
  const std::string what = runIsolated([] {
    xbt_log_control_set("root.thres:critical");
    static EngineArguments args("unusedmodels");
    auto& e = *new sg4::Engine(args.argc(), args.argv());
    auto* zone = sg4::create_full_zone("world");
    sg4::Host* h = zone->create_host("h", 1e9);
    sg4::Disk* disk = h->create_disk("d", 1e6, 1e6)->seal();
    h->seal();
    zone->seal();
    const UnusedModels unused(e);
    std::string timedOut = "ended";
    static sg4::IoPtr io;  // kept: the read stays the disk model's action
    sg4::Actor::create("reader", h, [&] {
      io = disk->read_async(1e5);
      try {
        io->wait_for(2);
      } catch (const simgrid::TimeoutException&) {
        timedOut = "timed out";
      }
    });
    e.run();
    try {
      unused.checkIdle();
      return timedOut + ", not caught";
    } catch (const std::logic_error& err) {
      return timedOut + ", " + err.what();
    }
  });
  EXPECT_EQ(what,
            "timed out, SimGrid model Disk holds an action, but it is out of the engine's step loop (UnusedModels)");
}
