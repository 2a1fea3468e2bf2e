#include "util/Threads.h"

#include <exception>
#include <thread>
#include <vector>

namespace schedlab {

void runOnThreads(size_t n, const std::function<void(size_t)>& body) {
  std::vector<std::exception_ptr> failed(n);
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      try {
        body(i);
      } catch (...) {
        failed[i] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& f : failed)
    if (f) std::rethrow_exception(f);
}

}  // namespace schedlab
