// A user's --pg URL as schedlab connects with it and as it shows it.
#pragma once

#include <string>

namespace schedlab {

// How long a connection may take to be established (libpq's connect_timeout) when the URL does
// not say: a server that accepts and never answers must not hang calibrate or live.
inline constexpr int kConnectTimeoutSeconds = 10;

// `conninfo` (a postgresql:// URI or key=value pairs) with connect_timeout added unless given.
std::string withConnectTimeout(const std::string& conninfo);

// `text` with the password of `conninfo` (URI user:PASSWORD@, or password=...) replaced by ***.
std::string maskPassword(const std::string& text, const std::string& conninfo);

}  // namespace schedlab
