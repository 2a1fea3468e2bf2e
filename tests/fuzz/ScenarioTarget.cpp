// The scenario loader on any file: a Scenario per variant, or a ScenarioError.
#include "fuzz/FuzzSupport.h"
#include "scenario/ScenarioLoader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = schedlab::fuzz::write("scenario.yaml", data, size);
  schedlab::fuzz::holds<schedlab::ScenarioError>([&] { schedlab::loadScenario({path, {}, {}}); });
  return 0;
}
