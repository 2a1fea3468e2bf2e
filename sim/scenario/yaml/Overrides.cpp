#include "scenario/yaml/Overrides.h"

#include <functional>
#include <set>

#include "scenario/ScenarioError.h"

namespace schedlab::yaml {

namespace {

// Lists of named entries (dags, triggers, instances, worker and node pools) merge by name; `remove: true`
// drops an entry. An autoscaler is replaced as a whole: a new policy does not inherit the old
// one's settings.
bool mergesByName(const std::string& key) {
  return key == "dags" || key == "triggers" || key == "instances" || key == "pools" || key == "node_pools" ||
         key == "faults";
}
bool replacedWhole(const std::string& key) { return key == "autoscaler"; }

void mergeNamedList(YAML::Node base, const YAML::Node& over) {
  for (const auto& item : over) {
    std::string name = item.IsMap() && item["name"] && item["name"].IsScalar() ? item["name"].Scalar() : "";
    bool remove = item.IsMap() && item["remove"] && item["remove"].IsScalar() && item["remove"].as<bool>(false);
    bool found = false;
    for (size_t i = 0; i < base.size(); ++i) {
      if (!name.empty() && base[i].IsMap() && base[i]["name"] && base[i]["name"].IsScalar() &&
          base[i]["name"].Scalar() == name) {
        found = true;
        if (remove) {
          base.remove(i);
        } else {
          mergeInto(base[i], item);
        }
        break;
      }
    }
    if (!found && !remove) base.push_back(item);
  }
}

// A copy with no source position, so errors in it are reported as coming from --set.
YAML::Node detached(const YAML::Node& n) {
  if (n.IsScalar()) return YAML::Node(n.Scalar());
  if (n.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& x : n) out.push_back(detached(x));
    return out;
  }
  if (n.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (auto it = n.begin(); it != n.end(); ++it) out[it->first.Scalar()] = detached(it->second);
    return out;
  }
  return YAML::Node();
}

}  // namespace

void mergeInto(YAML::Node base, const YAML::Node& over, const std::string& key) {
  for (auto it = over.begin(); it != over.end(); ++it) {
    std::string k = it->first.Scalar();
    const YAML::Node value = it->second;  // a copy: it-> yields a temporary
    YAML::Node target = base[k];
    if (value.IsMap() && target.IsMap() && !replacedWhole(k)) {
      mergeInto(target, value, k);
    } else if (value.IsSequence() && target.IsSequence() && mergesByName(k)) {
      mergeNamedList(target, value);
    } else {
      base[k] = value;
    }
  }
  (void)key;
}

// Applies "a.b.c=value". A path segment on a list picks the entry with that name (or index).
void applySet(const Context& ctx, YAML::Node root, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError(ctx.file + " (--set)", 0, 0, assignment, "expected path.to.key=value");
  std::string path = assignment.substr(0, eq);
  YAML::Node value;
  try {
    value = detached(YAML::Load(assignment.substr(eq + 1)));
  } catch (const YAML::Exception& e) {
    throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "value is not valid YAML: " + e.msg);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::function<void(YAML::Node, size_t)> walk = [&](YAML::Node node, size_t i) {
    const std::string& part = parts[i];
    bool last = i + 1 == parts.size();
    if (node.IsSequence()) {
      for (size_t j = 0; j < node.size(); ++j) {
        YAML::Node item = node[j];
        if ((item.IsMap() && item["name"] && item["name"].IsScalar() && item["name"].Scalar() == part) ||
            std::to_string(j) == part) {
          if (last) throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "cannot replace a whole list entry");
          walk(item, i + 1);
          return;
        }
      }
      throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "no entry named '" + part + "'");
    }
    if (node.IsDefined() && !node.IsNull() && !node.IsMap())
      throw ScenarioError(ctx.file + " (--set)", 0, 0, path, "'" + part + "' is inside a scalar");
    if (last) {
      node[part] = value;
      return;
    }
    if (!node[part] || node[part].IsNull()) node[part] = YAML::Node(YAML::NodeType::Map);
    walk(node[part], i + 1);
  };
  walk(root, 0);
}

std::vector<VariantSpec> readVariants(const Context& ctx, const YAML::Node& root) {
  std::vector<VariantSpec> out;
  YAML::Node v = root["variants"];
  if (!v.IsDefined() || v.IsNull()) return {{"base", YAML::Node(YAML::NodeType::Map)}};
  if (!v.IsSequence() || v.size() == 0) ctx.fail(v, "variants", "expected a non-empty list of {name: ..., overrides}");
  // Each variant is read from a fresh parse of the file (see loadScenario): cost grows with the
  // square of their number. Grids of many points are what `schedlab sweep --param` is for.
  if (v.size() > kMaxVariants)
    ctx.fail(v, "variants",
             std::to_string(v.size()) + " variants: at most " + std::to_string(kMaxVariants) +
                 " in one file (a grid of many points is `schedlab sweep --param`)");
  std::set<std::string> names;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string p = "variants[" + std::to_string(i) + "]";
    if (!v[i].IsMap() || !v[i]["name"]) ctx.fail(v[i], p, "a variant needs a name");
    if (!v[i]["name"].IsScalar() || v[i]["name"].Scalar().empty())
      ctx.fail(v[i]["name"], p + ".name", "a variant's name is a non-empty string");
    if (v[i]["description"] && !v[i]["description"].IsScalar() && !v[i]["description"].IsNull())
      ctx.fail(v[i]["description"], p + ".description", "expected a string");
    std::string name = v[i]["name"].Scalar();
    if (!names.insert(name).second) ctx.fail(v[i]["name"], p + ".name", "duplicate variant '" + name + "'");
    out.push_back({name, v[i]});
  }
  return out;
}

}  // namespace schedlab::yaml
