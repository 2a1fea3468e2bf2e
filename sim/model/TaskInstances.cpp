#include "model/TaskInstances.h"

#include <stdexcept>
#include <string>

namespace schedlab {

const char* name(TiState s) {
  switch (s) {
    case TiState::None:
      return "none";
    case TiState::Scheduled:
      return "scheduled";
    case TiState::Queued:
      return "queued";
    case TiState::Running:
      return "running";
    case TiState::Success:
      return "success";
    case TiState::Failed:
      return "failed";
    case TiState::UpForRetry:
      return "up_for_retry";
    case TiState::UpstreamFailed:
      return "upstream_failed";
    case TiState::UpForReschedule:
      return "up_for_reschedule";
    case TiState::Deferred:
      return "deferred";
  }
  return "?";
}

TiId TaskInstanceStore::add(TaskInstance ti) {
  if (items_.size() % kPageSize == 0) {
    retired_.push_back(0);
    kept_.emplace_back();
  }
  items_.push_back(std::move(ti));
  return TiId(items_.size() - 1);
}

void TaskInstanceStore::retire(TiId i) {
  const size_t page = i.index() >> kPageBits;
  if (++retired_[page] < static_cast<int>(kPageSize)) return;
  // Every slot of the page exists and is retired: keep the states, give the rest back.
  std::vector<TiState> kept;
  kept.reserve(kPageSize);
  for (size_t k = page << kPageBits, end = k + kPageSize; k < end; ++k) kept.push_back(items_[k].state);
  kept_[page] = std::move(kept);
  items_.releasePage(page);
  releasedPages_++;
}

void TaskInstanceStore::throwReleased(TiId i) {
  throw std::logic_error("task instance " + std::to_string(i.value()) +
                         " was read in full after its run finished and its page was released");
}

}  // namespace schedlab
