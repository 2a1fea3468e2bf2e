// A YAML document written by a program for a person: keys in the order they were set, a comment
// beside any value, block style for maps and lists of maps, flow style for lists of scalars. It
// takes `--set a.b=value` as `schedlab run` does (a segment on a list picks the entry of that name,
// or that index), so what an import could not know can be given at once.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace schedlab {

class YamlDraft {
 public:
  using Json = nlohmann::ordered_json;

  Json& root() { return root_; }
  // A comment for the value at dotted `path` (list entries by index: "dags.0.schedule"), written
  // after it on its line, or above it when it is a map or a list of maps.
  void comment(const std::string& path, const std::string& text) { comments_[path] = text; }
  // A comment block at the top of the document, one line per '\n'.
  void header(const std::string& text) { header_ = text; }

  // Applies "a.b.c=value" (value read as YAML: 3, 2.5, true, 30s, [a, b], {k: v}). Throws
  // std::invalid_argument naming the assignment when it is malformed or its path crosses a scalar.
  void set(const std::string& assignment);

  std::string text() const;

 private:
  void write(std::string& out, const Json& v, const std::string& path, int indent) const;
  Json root_ = Json::object();
  std::map<std::string, std::string> comments_;
  std::string header_;
};

}  // namespace schedlab
