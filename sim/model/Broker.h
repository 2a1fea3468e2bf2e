// The Celery broker: one FIFO per named queue. The executor sends a queued task instance to its
// task's queue; a worker takes the oldest message of the queues its pool serves. A message
// becomes visible `broker_latency` after it was sent.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/Ids.h"

namespace schedlab {

class Broker {
 public:
  struct Message {
    TiId ti;
    double visibleAt;
    uint64_t seq;  // send order across all queues
  };

  // The queue's id, created on first use.
  int queueId(const std::string& name);
  const std::string& queueName(int id) const { return names_[static_cast<size_t>(id)]; }
  size_t queueCount() const { return names_.size(); }

  void push(int queue, TiId ti, double visibleAt);
  // The oldest message of these queues, taken off its queue; nothing when they are all empty.
  std::optional<Message> take(const std::vector<int>& queues);

  size_t depth() const { return depth_; }
  size_t depth(int queue) const { return queues_[static_cast<size_t>(queue)].size(); }

 private:
  std::map<std::string, int> ids_;
  std::vector<std::string> names_;
  std::vector<std::deque<Message>> queues_;
  uint64_t nextSeq_ = 0;
  size_t depth_ = 0;
};

}  // namespace schedlab
