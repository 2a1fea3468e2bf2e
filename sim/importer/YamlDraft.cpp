#include "importer/YamlDraft.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <regex>
#include <stdexcept>

namespace schedlab {
namespace {

using DraftJson = YamlDraft::Json;

bool scalar(const DraftJson& v) { return !v.is_object() && !v.is_array(); }
bool flowList(const DraftJson& v) {
  if (!v.is_array()) return false;
  for (const DraftJson& x : v)
    if (!scalar(x)) return false;
  return true;
}

std::string scalarText(const DraftJson& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v.get<double>());
    return buf;
  }
  const std::string s = v.get<std::string>();
  // Plain when YAML reads it back as this same string: no indicator first, no ": " or " #", and
  // not a word YAML would take for a boolean, null or number.
  static const std::regex plain(R"([A-Za-z0-9_./-]([A-Za-z0-9_ ./@*:+-]*[A-Za-z0-9_./*+-])?)");
  static const std::regex special(
      R"((true|false|yes|no|on|off|null|~|y|n)|[-+]?(\.?[0-9][0-9_.]*([eE][-+]?[0-9]+)?|\.inf|\.nan)|0x[0-9a-fA-F]+|0o[0-7]+)",
      std::regex::icase);
  if (s != "-" && std::regex_match(s, plain) && !std::regex_match(s, special) && s.find(": ") == std::string::npos &&
      s.find(" #") == std::string::npos)
    return s;
  return DraftJson(s).dump();  // a JSON string is a YAML double-quoted scalar
}

std::string flowText(const DraftJson& v) {
  if (scalar(v)) return scalarText(v);
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + scalarText(v[i]);
  return out + "]";
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

DraftJson fromYaml(const YAML::Node& n) {
  if (n.IsMap()) {
    DraftJson out = DraftJson::object();
    for (auto it = n.begin(); it != n.end(); ++it) out[it->first.as<std::string>()] = fromYaml(it->second);
    return out;
  }
  if (n.IsSequence()) {
    DraftJson out = DraftJson::array();
    for (const auto& x : n) out.push_back(fromYaml(x));
    return out;
  }
  if (n.IsNull()) return nullptr;
  const std::string s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted: a string
  long long i = 0;
  double d = 0;
  bool b = false;
  if (YAML::convert<long long>::decode(n, i) && s.find_first_of(".eE") == std::string::npos) return i;
  if (YAML::convert<double>::decode(n, d)) return d;
  if (YAML::convert<bool>::decode(n, b)) return b;
  return s;
}

}  // namespace

void YamlDraft::set(const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument("--set " + assignment + ": expected path.to.key=value");
  const std::string path = assignment.substr(0, eq);
  DraftJson value;
  try {
    value = fromYaml(YAML::Load(assignment.substr(eq + 1)));
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument("--set " + assignment + ": the value is not YAML: " + e.msg);
  }
  DraftJson* node = &root_;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw std::invalid_argument("--set " + assignment + ": an empty segment in the path");
    const bool last = dot == std::string::npos;
    if (node->is_array()) {
      DraftJson* entry = nullptr;
      for (DraftJson& x : *node)
        if (x.is_object() && x.value("name", std::string()) == key) entry = &x;
      if (!entry && key.size() <= 9 && key.find_first_not_of("0123456789") == std::string::npos &&
          std::stoul(key) < node->size())
        entry = &(*node)[std::stoul(key)];
      if (!entry)
        throw std::invalid_argument("--set " + assignment + ": no entry named '" + key + "' in " +
                                    path.substr(0, start ? start - 1 : 0));
      if (last) {
        *entry = value;
        return;
      }
      node = entry;
    } else {
      if (!node->is_object())
        throw std::invalid_argument("--set " + assignment + ": " + path.substr(0, start ? start - 1 : 0) +
                                    " is not a map");
      if (last) {
        (*node)[key] = value;
        return;
      }
      node = &(*node)[key];
      if (node->is_null()) *node = DraftJson::object();
    }
    start = dot + 1;
  }
}

void YamlDraft::write(std::string& out, const DraftJson& v, const std::string& path, int indent) const {
  // REQUIRES: v is a map; its keys at `indent`.
  const std::string pad(static_cast<size_t>(indent), ' ');
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string p = join(path, it.key());
    const DraftJson& x = it.value();
    auto c = comments_.find(p);
    const bool block = (x.is_object() && !x.empty()) || (x.is_array() && !x.empty() && !flowList(x));
    if (block) {
      if (c != comments_.end()) {
        size_t from = 0;
        while (from <= c->second.size()) {
          const size_t nl = c->second.find('\n', from);
          out += pad + "# " + c->second.substr(from, nl == std::string::npos ? std::string::npos : nl - from) + "\n";
          if (nl == std::string::npos) break;
          from = nl + 1;
        }
      }
      out += pad + scalarText(it.key()) + ":\n";
      if (x.is_object()) {
        write(out, x, p, indent + 2);
      } else {
        for (size_t i = 0; i < x.size(); ++i) {
          const std::string entry = p + "." + std::to_string(i);
          if (!x[i].is_object() || x[i].empty()) {
            out += pad + "  - " + (x[i].is_object() ? "{}" : flowText(x[i])) + "\n";
            continue;
          }
          std::string body;
          write(body, x[i], entry, indent + 4);
          // The entry's first line carries the dash.
          size_t first = body.find_first_not_of(' ');
          if (body.compare(first, 1, "#") == 0) {  // a comment first: keep it above the dash
            const size_t nl = body.find('\n');
            out += body.substr(0, nl + 1);
            body = body.substr(nl + 1);
          }
          out += pad + "  - " + body.substr(static_cast<size_t>(indent) + 4);
        }
      }
      continue;
    }
    std::string line = pad + scalarText(it.key()) + ": " + (x.is_object() ? "{}" : flowText(x));
    if (c != comments_.end()) line += "  # " + c->second;
    out += line + "\n";
  }
}

std::string YamlDraft::text() const {
  std::string out;
  size_t from = 0;
  while (!header_.empty() && from < header_.size()) {
    const size_t nl = header_.find('\n', from);
    out += "# " + header_.substr(from, nl == std::string::npos ? std::string::npos : nl - from) + "\n";
    if (nl == std::string::npos) break;
    from = nl + 1;
  }
  if (!out.empty()) out += "\n";
  write(out, root_, "", 0);
  return out;
}

}  // namespace schedlab
