#include "scenario/yaml/Document.h"

#include <map>
#include <set>
#include <tuple>

namespace schedlab::yaml {
namespace {

// yaml-cpp hides node identity; an alias shares its anchor's node and so its start mark. A
// container is known by its position and type (a mapping and its first key start at one place).
using NodeKey = std::tuple<int, int, int>;

void check(const Context& ctx, const YAML::Node& node, const std::string& path, std::set<NodeKey>& seen) {
  if (node.IsScalar()) {
    if (!validUtf8(node.Scalar())) ctx.fail(node, path, "not valid UTF-8 text");
    return;
  }
  if (!node.IsMap() && !node.IsSequence()) return;
  const YAML::Mark m = node.Mark();
  if (!m.is_null() && !seen.insert({m.pos, m.line, static_cast<int>(node.Type())}).second) return;
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) check(ctx, node[i], path + "[" + std::to_string(i) + "]", seen);
    return;
  }
  std::map<std::string, int> lines;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) ctx.fail(it->first, path, "a key is a name, not a list or a mapping");
    const std::string key = it->first.Scalar();
    if (!validUtf8(key)) ctx.fail(it->first, path, "a key that is not valid UTF-8 text");
    const int line = it->first.Mark().line + 1;
    if (auto [first, fresh] = lines.emplace(key, line); !fresh)
      ctx.fail(it->first, join(path, key),
               "duplicate key '" + key + "' (first at line " + std::to_string(first->second) + ")");
    check(ctx, it->second, join(path, key), seen);
  }
}

}  // namespace

bool validUtf8(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;  // a continuation byte first, an overlong two-byte lead, or past U+10FFFF
    }
    if (i + static_cast<size_t>(extra) >= n) return false;  // cut short
    for (int k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

void checkDocument(const Context& ctx, const YAML::Node& root) {
  std::set<NodeKey> seen;
  check(ctx, root, "", seen);
}

}  // namespace schedlab::yaml
