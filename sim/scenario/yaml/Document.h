// Checks of a scenario file as a YAML document, before any section reads it: what yaml-cpp
// accepts but a scenario cannot mean. Internal to the scenario layer's YAML readers.
#pragma once

#include <yaml-cpp/yaml.h>

#include "scenario/yaml/Fields.h"

namespace schedlab::yaml {

// Fails at the first key that is a list or a mapping, the second of two equal keys in one mapping
// (yaml-cpp keeps the first and ignores the second), or a string that is not valid UTF-8. Nodes
// shared through aliases are visited once.
void checkDocument(const Context& ctx, const YAML::Node& root);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool validUtf8(const std::string& text);

}  // namespace schedlab::yaml
