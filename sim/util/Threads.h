// Work spread over threads of this process, one per index, the first failure rethrown once all
// have ended (measurements that drive several connections at once).
#pragma once

#include <cstddef>
#include <functional>

namespace schedlab {

// Runs body(0) … body(n - 1) each on a thread of its own and waits for all of them; rethrows the
// exception of the lowest index that threw.
void runOnThreads(size_t n, const std::function<void(size_t)>& body);

}  // namespace schedlab
