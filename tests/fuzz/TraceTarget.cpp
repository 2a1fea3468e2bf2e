// A trigger stream's trace CSV, read through the loader as a scenario refers to it.
#include <cstring>

#include "fuzz/FuzzSupport.h"
#include "scenario/ScenarioLoader.h"

namespace {
const char* kScenario = R"(run: {horizon: 1h}
triggers: [{name: arrivals, kind: trace, file: arrivals.csv}]
dags:
  - name: etl
    schedule: none
    tasks: [{id: wait, kind: sensor, waits_for: arrivals, poke_interval: 5s}]
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      schedlab::fuzz::write("trace.yaml", reinterpret_cast<const uint8_t*>(kScenario), std::strlen(kScenario));
  schedlab::fuzz::write("arrivals.csv", data, size);
  schedlab::fuzz::holds<schedlab::ScenarioError>([&] { schedlab::loadScenario({path, {}, {}}); });
  return 0;
}
