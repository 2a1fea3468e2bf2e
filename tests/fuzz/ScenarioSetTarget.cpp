// --set assignments (one per line of the input) on a small valid scenario.
#include <cstring>
#include <sstream>
#include <vector>

#include "fuzz/FuzzSupport.h"
#include "scenario/ScenarioLoader.h"

namespace {
const char* kScenario = R"(name: fuzz
run: {horizon: 1h}
scheduler: {pools: {small: 2}}
triggers: [{name: signups, kind: poisson, rate: 10/h}]
dags:
  - name: etl
    schedule: 10m
    tasks:
      - {id: a, duration: 30s, pool: small}
      - {shape: layered, prefix: s, width: 2, depth: 2, duration: {lognormal: {median: 3s, sigma: 0.5}}}
      - {id: wait, kind: sensor, waits_for: signups, poke_interval: 5s}
variants:
  - name: base
  - name: more
    executor: {workers: 4}
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      schedlab::fuzz::write("base.yaml", reinterpret_cast<const uint8_t*>(kScenario), std::strlen(kScenario));
  std::vector<std::string> sets;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line) && sets.size() < 8;) sets.push_back(line);
  schedlab::fuzz::holds<schedlab::ScenarioError>([&] { schedlab::loadScenario({path, sets, {}}); });
  return 0;
}
