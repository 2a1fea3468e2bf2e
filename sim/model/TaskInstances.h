// Task instances: what the model keeps of each, and where. A run's task instances are read and
// written in full while it is open; once it has finished, nothing but a stale broker message,
// a depends_on_past check or a late timer looks at them again, and those read only their state
// (and which run and task they are, which the runs' first ids tell). So the store keeps the state
// for good and the rest only while needed: pages of finished runs' task instances are given back
// (a long run's memory stays flat but for a byte per task instance).
#pragma once

#include <cstdint>
#include <vector>

#include "model/Ids.h"
#include "util/PagedVector.h"

namespace schedlab {

enum class TiState : uint8_t {
  None,
  Scheduled,
  Queued,
  Running,
  Success,
  Failed,
  UpForRetry,
  UpstreamFailed,
  UpForReschedule,
  Deferred  // waiting for its trigger in the triggerer: no worker, no pool slot
};

const char* name(TiState s);

struct TaskInstance {
  RunId run;
  int task = -1;
  TiState state = TiState::None;
  int tryNumber = 0;  // tries started so far
  double created = 0, scheduled = -1, queued = -1, started = -1, ended = -1;
  double retryAt = 0;
  SchedulerId queuedBy;     // scheduler that queued the current try
  JobId queuedByJob;        // that scheduler's job (process) then, or the one that adopted it
  bool sent = false;        // its message went to the broker (it has a Celery task id)
  int host = -1;            // worker host running (or that ran) the current try
  double killedAt = -1;     // its host died while it ran (until it runs again)
  double firstPokeAt = -1;  // a reschedule-mode sensor: when its first poke started; a deferred
                            // try: when its first part started
};

// Task instances by id, in creation order (a run's are consecutive).
class TaskInstanceStore {
 public:
  static constexpr unsigned kPageBits = 12;
  static constexpr size_t kPageSize = size_t{1} << kPageBits;

  TiId add(TaskInstance ti);
  TiId nextId() const { return TiId(items_.size()); }
  size_t size() const { return items_.size(); }

  // Everything about a task instance.
  // REQUIRES: not released(i) (throws std::logic_error otherwise: a model bug).
  TaskInstance& operator[](TiId i) {
    if (released(i)) throwReleased(i);
    return items_[i.index()];
  }
  const TaskInstance& operator[](TiId i) const {
    if (released(i)) throwReleased(i);
    return items_[i.index()];
  }
  // The same, unchecked, for the loops over an open run's task instances (dependency evaluation
  // reads each several times per examination).
  // REQUIRES: its run has not finished (so it was not retired).
  TaskInstance& ofOpenRun(TiId i) { return items_[i.index()]; }
  // What stays readable once its run has finished.
  TiState state(TiId i) const { return released(i) ? kept(i) : items_[i.index()].state; }

  // Its run has finished: from now on only state() is read, and it is not written again. Once
  // every task instance of a page is retired, the page is released.
  // REQUIRES: each task instance is retired at most once.
  void retire(TiId i);
  bool released(TiId i) const { return !kept_[i.index() >> kPageBits].empty(); }
  // Pages given back so far (of kPageSize task instances).
  size_t releasedPages() const { return releasedPages_; }

 private:
  TiState kept(TiId i) const { return kept_[i.index() >> kPageBits][i.index() & (kPageSize - 1)]; }
  [[noreturn]] static void throwReleased(TiId i);

  PagedVector<TaskInstance, kPageBits> items_;
  std::vector<int> retired_;                // per page: task instances retired
  std::vector<std::vector<TiState>> kept_;  // per page: empty while it is in use
  size_t releasedPages_ = 0;
};

}  // namespace schedlab
