// The median of a sample: its middle value, or the mean of its two middle values.
#pragma once

#include <vector>

namespace schedlab {

// 0 for an empty sample.
double median(std::vector<double> v);

}  // namespace schedlab
