// Samples of one latency, in the order they were taken, kept in chunks that never move: a long
// run's series neither holds its samples twice while a vector grows nor keeps unused capacity
// beyond one chunk, and a short one costs what a vector would (util/PagedVector reserves a whole
// page up front, for references that must not move; a run keeps seven series per DAG definition).
#pragma once

#include <cstddef>
#include <vector>

namespace schedlab {

class SampleSeries {
 public:
  static constexpr size_t kChunk = size_t{1} << 16;  // 512 KiB of doubles

  void push_back(double v) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) chunks_.emplace_back();
    chunks_.back().push_back(v);  // a vector's growth within the chunk, up to kChunk
    ++size_;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // REQUIRES: i < size().
  double operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  // The samples in order, appended to `out`.
  void appendTo(std::vector<double>& out) const {
    out.reserve(out.size() + size_);
    for (const auto& c : chunks_) out.insert(out.end(), c.begin(), c.end());
  }
  std::vector<double> toVector() const {
    std::vector<double> out;
    appendTo(out);
    return out;
  }

 private:
  std::vector<std::vector<double>> chunks_;
  size_t size_ = 0;
};

}  // namespace schedlab
