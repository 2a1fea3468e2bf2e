// What every fuzz target holds: the input is read and either accepted or refused as bad input (the
// reader's documented error); any other exception is a finding, reported by aborting.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

namespace schedlab::fuzz {

// A directory of this process's own for files the readers take by path.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    static auto d = std::filesystem::temp_directory_path() / ("schedlab-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    });
    return d;
  }();
  return dir;
}

inline std::string write(const std::string& name, const uint8_t* data, size_t size) {
  const auto path = scratch() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path.string();
}

// Runs `read`; `Refusal` is the bad-input error it may throw. Anything else aborts.
template <typename Refusal, typename F>
void holds(F read) {
  try {
    read();
  } catch (const Refusal&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a bad-input error: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "not a bad-input error: a non-standard exception\n");
    std::abort();
  }
}

}  // namespace schedlab::fuzz
