#include "scenario/yaml/Sections.h"

#include <algorithm>

namespace schedlab::yaml {

void checkReferences(const Context& ctx, const Scenario& s, const References& refs) {
  for (auto& [node, ref] : refs.sensors) {
    std::string name = ref.substr(ref.find('=') + 1);
    bool found = std::any_of(s.triggers.begin(), s.triggers.end(), [&](auto& t) { return t.name == name; });
    if (!found) ctx.fail(node, ref.substr(0, ref.find('=')), "unknown trigger stream '" + name + "'");
  }
  for (auto& [node, ref] : refs.triggers) {
    std::string name = ref.substr(ref.find('=') + 1);
    if (!refs.dagNodes.count(name)) ctx.fail(node, ref.substr(0, ref.find('=')), "unknown DAG '" + name + "'");
  }
}

}  // namespace schedlab::yaml
