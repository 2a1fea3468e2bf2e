#include "pg/ConnectionString.h"

#include <libpq-fe.h>

namespace schedlab {
namespace {

bool isUri(const std::string& s) { return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0; }

// The password as libpq reads `conninfo` (a URI's user:PASSWORD@ or ?password=, percent-decoded;
// key = value pairs with or without spaces), or "".
std::string parsedPassword(const std::string& conninfo) {
  char* error = nullptr;
  std::string password;
  if (PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error)) {
    for (PQconninfoOption* o = options; o->keyword; ++o)
      if (std::string(o->keyword) == "password" && o->val) password = o->val;
    PQconninfoFree(options);
  }
  if (error) PQfreemem(error);
  return password;
}

// The password as written in `conninfo` (still percent-encoded in a URI), or "".
std::string writtenPassword(const std::string& conninfo) {
  if (isUri(conninfo)) {
    const size_t from = conninfo.find("://") + 3;
    const size_t at = conninfo.find('@', from);
    const size_t slash = conninfo.find('/', from);
    if (at != std::string::npos && (slash == std::string::npos || slash > at)) {
      const size_t colon = conninfo.find(':', from);
      if (colon != std::string::npos && colon < at) return conninfo.substr(colon + 1, at - colon - 1);
    }
    const size_t query =
        conninfo.find("password=", conninfo.find('?') == std::string::npos ? conninfo.size() : conninfo.find('?'));
    if (query == std::string::npos) return "";
    return conninfo.substr(query + 9, conninfo.find('&', query) - query - 9);
  }
  const size_t key = conninfo.find("password=");
  if (key == std::string::npos || (key > 0 && conninfo[key - 1] != ' ')) return "";
  const size_t from = key + 9;
  if (from < conninfo.size() && conninfo[from] == '\'') {
    const size_t end = conninfo.find('\'', from + 1);
    return conninfo.substr(from + 1, end == std::string::npos ? std::string::npos : end - from - 1);
  }
  return conninfo.substr(from, conninfo.find(' ', from) - from);
}

}  // namespace

std::string withConnectTimeout(const std::string& conninfo) {
  if (conninfo.find("connect_timeout=") != std::string::npos) return conninfo;
  const std::string setting = "connect_timeout=" + std::to_string(kConnectTimeoutSeconds);
  if (isUri(conninfo)) return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + setting;
  return conninfo.empty() ? setting : conninfo + " " + setting;
}

std::string maskPassword(const std::string& text, const std::string& conninfo) {
  std::string out = text;
  for (const std::string& password : {writtenPassword(conninfo), parsedPassword(conninfo)}) {
    if (password.empty()) continue;
    for (size_t at = out.find(password); at != std::string::npos; at = out.find(password, at + 3))
      out.replace(at, password.size(), "***");
  }
  return out;
}

}  // namespace schedlab
