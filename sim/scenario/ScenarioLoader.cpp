#include "scenario/ScenarioLoader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "scenario/yaml/Document.h"
#include "scenario/yaml/Overrides.h"
#include "scenario/yaml/Sections.h"

// The file is read section by section (scenario/yaml/*Section.cpp), after the variant's overrides
// and --set are merged into its YAML (scenario/yaml/Overrides.cpp).
namespace schedlab {
namespace {

using yaml::Context;
using yaml::Fields;

Scenario readScenario(const Context& ctx, const YAML::Node& root, const std::string& variant) {
  Scenario s;
  s.variant = variant;
  s.sourcePath = ctx.file;
  s.name = std::filesystem::path(ctx.file).stem().string();
  Fields top(ctx, root, "");
  s.name = top.text("name", s.name);
  // It names the default output directory (out/NAME): a path of its own would write elsewhere.
  if (top.has("name") && (!yaml::isAirflowKey(s.name) || s.name[0] == '.'))
    ctx.fail(top.raw("name"), "name",
             "'" + s.name + "' cannot name a directory under out/: letters, digits, '_', '.' and '-', not first a '.'");
  s.description = top.text("description", "");
  top.raw("variants");  // handled by the caller

  yaml::readRunSection(ctx, top, s);
  yaml::readSchedulerSection(ctx, top, s);
  yaml::readMetadbSection(ctx, top, s);
  yaml::readApiServerSection(ctx, top, s);
  yaml::readWorkersSection(ctx, top, s);
  yaml::readDagProcessorSection(ctx, top, s);
  yaml::readTriggererSection(ctx, top, s);
  yaml::readExecutorSection(ctx, top, s);
  yaml::References refs;
  yaml::readDagsSection(ctx, top, s, refs);
  if (s.defers()) s.triggerer.deployed = true;
  yaml::readTriggersSection(ctx, top, s, refs);
  yaml::readInstancesSection(ctx, top, s);
  yaml::readArchivingSection(ctx, top, s);
  yaml::readMonitoringSection(ctx, top, s);
  yaml::readFaultsSection(ctx, top, s);
  yaml::readSlasSection(ctx, top, s);
  yaml::checkReferences(ctx, s, refs);
  top.finish();
  return s;
}

YAML::Node loadFile(const Context& ctx) {
  if (!std::filesystem::exists(ctx.file)) throw ScenarioError(ctx.file, 0, 0, "", "no such file");
  if (std::filesystem::is_directory(ctx.file)) throw ScenarioError(ctx.file, 0, 0, "", "a directory, not a file");
  try {
    YAML::Node root = YAML::LoadFile(ctx.file);
    if (root.IsNull() || !root.IsDefined())
      throw ScenarioError(ctx.file, 1, 1, "",
                          "the file holds no YAML: a scenario file is a mapping (dags:, scheduler:, ...)");
    if (!root.IsMap()) ctx.fail(root, "", "a scenario file is a YAML mapping (dags:, scheduler:, ...)");
    yaml::checkDocument(ctx, root);
    return root;
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(ctx.file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax: " + e.msg);
  } catch (const YAML::BadFile&) {
    throw ScenarioError(ctx.file, 0, 0, "", "cannot read file");
  }
}

}  // namespace

bool Scenario::defers() const {
  for (const DagDef& d : dags)
    for (const TaskDef& t : d.tasks)
      if (t.deferrable()) return true;
  return false;
}

bool Scenario::usesAssets() const {
  for (const DagDef& d : dags)
    if (!d.scheduleAssets.empty()) return true;
  return false;
}

int Scenario::dagIndex(const std::string& n) const {
  for (size_t i = 0; i < dags.size(); ++i)
    if (dags[i].name == n) return static_cast<int>(i);
  return -1;
}

namespace {

// A yaml-cpp conversion a reader did not guard against is still bad input at its place in the file.
template <typename F>
auto locatingYamlErrors(const std::string& file, F read) {
  try {
    return read();
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) throw ScenarioError(file, 0, 0, "", "YAML: " + e.msg);
    throw ScenarioError(file, e.mark.line + 1, e.mark.column + 1, "", "YAML: " + e.msg);
  }
}

std::vector<Scenario> readAllVariants(const LoadRequest& request);

}  // namespace

std::vector<std::string> variantNames(const std::string& path) {
  return locatingYamlErrors(path, [&] {
    Context ctx{path, {}};
    std::vector<std::string> names;
    for (auto& v : yaml::readVariants(ctx, loadFile(ctx))) names.push_back(v.name);
    return names;
  });
}

std::vector<Scenario> loadScenario(const LoadRequest& request) {
  return locatingYamlErrors(request.path, [&] { return readAllVariants(request); });
}

namespace {

std::vector<Scenario> readAllVariants(const LoadRequest& request) {
  Context ctx{request.path, request.sets};
  // The variants' names only: each variant is read from a parse of its own below, so this first
  // document is not kept (a file of many tasks costs its YAML once, not twice).
  std::vector<std::string> names;
  for (const auto& v : yaml::readVariants(ctx, loadFile(ctx))) names.push_back(v.name);
  for (auto& wanted : request.variants) {
    bool known = std::find(names.begin(), names.end(), wanted) != names.end();
    if (!known) {
      std::string list;
      for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw ScenarioError(ctx.file, 0, 0, "variants", "unknown variant '" + wanted + "' (defined: " + list + ")");
    }
  }
  // A variant may extend an earlier one: `extends: NAME` applies NAME's overrides first.
  std::function<void(YAML::Node, const std::vector<yaml::VariantSpec>&, const yaml::VariantSpec&, int)> apply =
      [&](YAML::Node base, const std::vector<yaml::VariantSpec>& variants, const yaml::VariantSpec& v, int depth) {
        if (depth > 32) ctx.fail(v.node, "variants." + v.name + ".extends", "extends chain too long (a cycle?)");
        Fields f(ctx, v.node, "variants." + v.name);
        if (f.has("extends")) {
          std::string parent = f.text("extends", "");
          auto it = std::find_if(variants.begin(), variants.end(), [&](auto& x) { return x.name == parent; });
          if (it == variants.end() || it->name == v.name)
            ctx.fail(v.node["extends"], "variants." + v.name + ".extends", "unknown variant '" + parent + "'");
          apply(base, variants, *it, depth + 1);
        }
        YAML::Node overrides(YAML::NodeType::Map);
        for (auto it = v.node.begin(); it != v.node.end(); ++it) {
          std::string key = it->first.Scalar();
          if (key == "name" || key == "extends" || key == "description") continue;
          static const std::set<std::string> sections = {
              "dags", "triggers",  "scheduler", "metadb", "api_server", "workers",       "dag_processor", "executor",
              "run",  "instances", "archiving", "faults", "monitoring", "task_defaults", "triggerer"};
          if (!sections.count(key))
            ctx.fail(it->first, "variants." + v.name + "." + key,
                     "unknown key (a variant overrides dags, triggers, scheduler, metadb, api_server, workers, "
                     "dag_processor, triggerer, executor, run, instances, archiving, faults, monitoring or "
                     "task_defaults)");
          overrides[key] = it->second;
        }
        yaml::mergeInto(base, overrides);
      };
  std::vector<Scenario> out;
  for (const std::string& name : names) {
    if (!request.variants.empty() &&
        std::find(request.variants.begin(), request.variants.end(), name) == request.variants.end())
      continue;
    // A fresh parse per variant: merging shares nodes (and so keeps their line numbers), so
    // no variant may see another's changes.
    YAML::Node merged = loadFile(ctx);
    std::vector<yaml::VariantSpec> fresh = yaml::readVariants(ctx, merged);
    merged.remove("variants");
    const yaml::VariantSpec& v = *std::find_if(fresh.begin(), fresh.end(), [&](auto& x) { return x.name == name; });
    apply(merged, fresh, v, 0);
    for (auto& set : request.sets) yaml::applySet(ctx, merged, set);
    Scenario s = readScenario(ctx, merged, name);
    const YAML::Node& spec = v.node;
    if (spec["description"] && spec["description"].IsScalar()) s.description = spec["description"].Scalar();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

}  // namespace schedlab