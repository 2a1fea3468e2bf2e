// Typed indices: a number that says which table it points into (a DAG, a run, a task instance,
// a scheduler), so that one cannot be passed where another is meant, and the tables they index.
// An Id is an int underneath: ordering, hashing and printing are the int's, so replacing a bare
// index by one changes no result.
#pragma once

#include <compare>
#include <cstddef>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

namespace schedlab {

template <class Tag>
class Id {
 public:
  // None: points nowhere (the -1 of a bare index).
  constexpr Id() = default;
  constexpr explicit Id(int value) : value_(value) {}
  constexpr explicit Id(size_t index) : value_(static_cast<int>(index)) {}

  constexpr int value() const { return value_; }
  // REQUIRES: valid().
  constexpr size_t index() const { return static_cast<size_t>(value_); }
  constexpr bool valid() const { return value_ >= 0; }

  // The id `offset` places further in the same table (a run's task instances are consecutive).
  constexpr Id operator+(int offset) const { return Id(value_ + offset); }
  constexpr Id operator+(size_t offset) const { return Id(value_ + static_cast<int>(offset)); }
  constexpr Id& operator++() {
    ++value_;
    return *this;
  }

  friend constexpr auto operator<=>(Id, Id) = default;
  // Prints the number (test failures, logs); a template so this header needs no <ostream>.
  template <class Stream>
  friend decltype(auto) operator<<(Stream& out, Id id) {
    return out << id.value();
  }

 private:
  int value_ = -1;
};

// Ids [first, last) of one table, for range-for.
template <class IdT>
class IdRange {
 public:
  class iterator {
   public:
    constexpr explicit iterator(IdT at) : at_(at) {}
    constexpr IdT operator*() const { return at_; }
    constexpr iterator& operator++() {
      ++at_;
      return *this;
    }
    constexpr bool operator==(const iterator&) const = default;

   private:
    IdT at_;
  };

  constexpr IdRange(IdT first, IdT last) : first_(first), last_(last) {}
  // The ids 0 … count-1.
  constexpr explicit IdRange(size_t count) : first_(0), last_(count) {}
  constexpr iterator begin() const { return iterator(first_); }
  constexpr iterator end() const { return iterator(last_); }

 private:
  IdT first_, last_;
};

// A table only its own kind of Id indexes: a std::vector (or std::deque, where references must
// survive growth) whose operator[] takes the Id.
template <class IdT, class T, class Container = std::vector<T>>
class IdTable {
 public:
  IdTable() = default;
  IdTable(size_t count, const T& value) : items_(count, value) {}
  explicit IdTable(Container items) : items_(std::move(items)) {}

  // REQUIRES: id.valid() and id.index() < size().
  T& operator[](IdT id) { return items_[id.index()]; }
  const T& operator[](IdT id) const { return items_[id.index()]; }

  // Appends `item`; returns its id.
  IdT add(T item) {
    items_.push_back(std::move(item));
    return IdT(items_.size() - 1);
  }
  // The id the next add() will return.
  IdT nextId() const { return IdT(items_.size()); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  IdRange<IdT> ids() const { return IdRange<IdT>(items_.size()); }

  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  auto rbegin() { return items_.rbegin(); }
  auto rend() { return items_.rend(); }

 private:
  Container items_;
};

}  // namespace schedlab

template <class Tag>
struct std::hash<schedlab::Id<Tag>> {
  size_t operator()(schedlab::Id<Tag> id) const noexcept { return std::hash<int>()(id.value()); }
};
