// How a scenario file's variants and the command line's --set change its YAML before it is read.
#pragma once

#include <string>
#include <vector>

#include "scenario/yaml/Fields.h"

namespace schedlab::yaml {

// Merges `over` into `base`: mappings key by key, lists of named entries (dags, triggers,
// instances, pools, faults) by name (`remove: true` drops one), anything else replaced.
void mergeInto(YAML::Node base, const YAML::Node& over, const std::string& key = "");

// Applies "a.b.c=value". A path segment on a list picks the entry with that name (or index).
void applySet(const Context& ctx, YAML::Node root, const std::string& assignment);

struct VariantSpec {
  std::string name;
  YAML::Node node;
};

// The most variants one file may define.
inline constexpr size_t kMaxVariants = 256;

// The file's `variants:` (one "base" with no overrides when it has none).
std::vector<VariantSpec> readVariants(const Context& ctx, const YAML::Node& root);

}  // namespace schedlab::yaml
