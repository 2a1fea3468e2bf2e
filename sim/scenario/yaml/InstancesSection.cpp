#include "scenario/yaml/Sections.h"

#include <fnmatch.h>

namespace schedlab::yaml {

// `instances:` partitions the DAGs among independent schedulers. Every DAG belongs to exactly one:
// the instance whose `dags` patterns match its name, else the one instance that lists no patterns.
void readInstancesSection(const Context& ctx, Fields& top, Scenario& s) {
  const YAML::Node list = top.raw("instances");
  if (!list.IsDefined() || list.IsNull()) {
    s.instances = {InstanceDef{}};
    return;
  }
  if (!list.IsSequence() || list.size() == 0)
    ctx.fail(list, "instances", "expected a non-empty list of {name, dags: [patterns], metadb: shared|own}");
  int catchAll = -1;
  std::vector<YAML::Node> patternNodes;
  forEachNamedEntry(ctx, list, "instances", "instance",
                    [&](Fields& f, const YAML::Node& entry, size_t i, const std::string& p, const std::string& name) {
                      InstanceDef inst;
                      inst.name = name;
                      YAML::Node dags = f.raw("dags");
                      if (dags.IsDefined() && !dags.IsNull()) {
                        inst.dagPatterns = readNames(ctx, dags, p + ".dags", "DAG name pattern");
                      } else {
                        if (catchAll >= 0)
                          ctx.fail(entry, p + ".dags",
                                   "only one instance may omit dags (it takes every DAG the others do not)");
                        catchAll = static_cast<int>(i);
                      }
                      patternNodes.push_back(dags.IsDefined() ? dags : entry);
                      std::string db = f.text("metadb", "shared");
                      if (db != "shared" && db != "own")
                        ctx.fail(f.raw("metadb"), p + ".metadb", "'" + db + "' is not one of: shared, own");
                      inst.ownMetadb = db == "own";
                      if (f.has("initial_rows")) {
                        if (!inst.ownMetadb)
                          ctx.fail(f.raw("initial_rows"), p + ".initial_rows",
                                   "only an instance with metadb: own has its own history");
                        inst.initialRows = readInitialRows(ctx, f.raw("initial_rows"), p + ".initial_rows");
                      }
                      s.instances.push_back(std::move(inst));
                    });
  for (auto& d : s.dags) {
    std::vector<int> matches;
    for (size_t i = 0; i < s.instances.size(); ++i)
      for (auto& pattern : s.instances[i].dagPatterns)
        if (fnmatch(pattern.c_str(), d.name.c_str(), 0) == 0) {
          matches.push_back(static_cast<int>(i));
          break;
        }
    if (matches.size() > 1)
      ctx.fail(patternNodes[matches[1]], "instances." + s.instances[matches[1]].name + ".dags",
               "DAG '" + d.name + "' also matches instance '" + s.instances[matches[0]].name + "'");
    if (matches.empty() && catchAll < 0)
      ctx.fail(list, "instances", "DAG '" + d.name + "' matches no instance (give one instance no dags: list)");
    d.instance = matches.empty() ? catchAll : matches[0];
  }
}

}  // namespace schedlab::yaml
