// A growing array whose elements never move: fixed pages of 2^PageBits elements, so an element's
// reference survives growth (as in a std::deque) while indexing is a shift and a mask (a deque of
// 100-byte elements keeps five to a node and divides on every access).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace schedlab {

template <class T, unsigned PageBits = 12>
class PagedVector {
 public:
  static constexpr size_t kPageSize = size_t{1} << PageBits;

  // REQUIRES: i < size().
  T& operator[](size_t i) { return pages_[i >> PageBits][i & (kPageSize - 1)]; }
  const T& operator[](size_t i) const { return pages_[i >> PageBits][i & (kPageSize - 1)]; }

  void push_back(T item) {
    if (size_ % kPageSize == 0) {
      pages_.emplace_back();
      pages_.back().reserve(kPageSize);  // a page never reallocates: references stay valid
    }
    pages_.back().push_back(std::move(item));
    ++size_;
  }
  size_t size() const { return size_; }
  // Frees page `page`'s elements; indexing into it afterwards is undefined. Size is unchanged.
  // REQUIRES: page < (size() + kPageSize - 1) / kPageSize.
  void releasePage(size_t page) { std::vector<T>().swap(pages_[page]); }
  bool empty() const { return size_ == 0; }

 private:
  std::vector<std::vector<T>> pages_;
  size_t size_ = 0;
};

}  // namespace schedlab
