#include "scenario/yaml/Sections.h"

#include <algorithm>
#include <set>

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
  // A deployment's assets live in its metadata DB: an instance with its own DB sees only its own.
  auto dbOf = [&](const DagDef& d) {
    const auto& inst = s.instances[static_cast<size_t>(d.instance)];
    return inst.ownMetadb ? "instance '" + inst.name + "'s own metadata DB" : std::string("the shared metadata DB");
  };
  for (auto& [node, path] : refs.assetSchedules) {
    const std::string dag = path.substr(5, path.size() - 5 - std::string(".schedule.assets").size());
    const DagDef& consumer = s.dags[static_cast<size_t>(s.dagIndex(dag))];
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string asset = node[i].Scalar();
      if (!produced.count(asset))
        ctx.fail(node[i], path, "no task has asset '" + asset + "' among its outlets: the DAG would never run");
      for (const DagDef& d : s.dags)
        for (const TaskDef& t : d.tasks)
          if (std::find(t.outlets.begin(), t.outlets.end(), asset) != t.outlets.end() && dbOf(d) != dbOf(consumer))
            ctx.fail(node[i], path,
                     "asset '" + asset + "' is updated by DAG '" + d.name + "' in " + dbOf(d) + " but read in " +
                         dbOf(consumer) + ": an instance with its own metadata DB sees only its own assets");
    }
  }
  for (auto& [node, ref] : refs.triggers) {
    std::string name = ref.substr(ref.find('=') + 1);
    if (!refs.dagNodes.count(name)) ctx.fail(node, ref.substr(0, ref.find('=')), "unknown DAG '" + name + "'");
  }
}

}  // namespace schedlab::yaml
