#include "scenario/yaml/Sections.h"

#include <set>

namespace schedlab::yaml {

void readArchivingSection(const Context& ctx, Fields& top, Scenario& s) {
  const YAML::Node node = top.raw("archiving");
  if (!node.IsDefined() || node.IsNull()) return;
  Fields f(ctx, node, "archiving");
  auto& a = s.archiving;
  a.enabled = f.boolean("enabled", true);
  a.interval = f.duration("interval", a.interval, 1);
  a.retention = f.duration("retention", a.retention);
  a.byStartDate = f.choice<bool>("age_column", false, {{"execution_date", false}, {"start_date", true}});
  a.keepLastRun = f.boolean("keep_last_run", a.keepLastRun);
  if (f.has("tables")) {
    static const std::set<std::string> tables = {"task_instance", "dag_run", "job", "xcom", "log", "asset_event"};
    YAML::Node t = f.raw("tables");
    if (!t.IsSequence() || t.size() == 0) ctx.fail(t, "archiving.tables", "expected a non-empty list of tables");
    a.tables.clear();
    for (size_t i = 0; i < t.size(); ++i) {
      if (!t[i].IsScalar() || !tables.count(t[i].Scalar()))
        ctx.fail(t[i], "archiving.tables[" + std::to_string(i) + "]",
                 "unknown table (task_instance, dag_run, job, xcom, log, asset_event)");
      a.tables.push_back(t[i].Scalar());
    }
  }
  f.finish();
}

}  // namespace schedlab::yaml
