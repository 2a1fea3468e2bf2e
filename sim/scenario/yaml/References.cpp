#include "scenario/yaml/Sections.h"

#include <set>

#include <algorithm>

namespace schedlab::yaml {

void checkReferences(const Context& ctx, const Scenario& s, const References& refs) {
  for (auto& [node, ref] : refs.sensors) {
    std::string name = ref.substr(ref.find('=') + 1);
    bool found = std::any_of(s.triggers.begin(), s.triggers.end(), [&](auto& t) { return t.name == name; });
    if (!found) ctx.fail(node, ref.substr(0, ref.find('=')), "unknown trigger stream '" + name + "'");
  }
  // An asset nobody updates would never start its DAG.
  std::set<std::string> produced;
  for (const DagDef& d : s.dags)
    for (const TaskDef& t : d.tasks) produced.insert(t.outlets.begin(), t.outlets.end());
  for (auto& [node, path] : refs.assetSchedules)
    for (size_t i = 0; i < node.size(); ++i)
      if (!produced.count(node[i].Scalar()))
        ctx.fail(node[i], path,
                 "no task has asset '" + node[i].Scalar() + "' among its outlets: the DAG would never run");
  for (auto& [node, ref] : refs.triggers) {
    std::string name = ref.substr(ref.find('=') + 1);
    if (!refs.dagNodes.count(name)) ctx.fail(node, ref.substr(0, ref.find('=')), "unknown DAG '" + name + "'");
  }
}

}  // namespace schedlab::yaml
