#include "sweep/CapacitySearch.h"

namespace schedlab {

CapacityResult findMinimum(long long lo, long long hi, const std::function<bool(long long)>& meets) {
  CapacityResult r;
  ++r.probes;
  if (!meets(hi)) return r;
  // Invariant: meets(hi) holds; every value below lo was found (or assumed) not to.
  while (lo < hi) {
    long long mid = lo + (hi - lo) / 2;
    ++r.probes;
    if (meets(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  r.minimum = hi;
  return r;
}

}  // namespace schedlab
