#include "model/Broker.h"

namespace schedlab {

int Broker::queueId(const std::string& name) {
  auto [it, added] = ids_.emplace(name, static_cast<int>(names_.size()));
  if (added) {
    names_.push_back(name);
    queues_.emplace_back();
  }
  return it->second;
}

void Broker::push(int queue, TiId ti, double visibleAt) {
  queues_[static_cast<size_t>(queue)].push_back({ti, visibleAt, nextSeq_++});
  ++depth_;
}

std::optional<Broker::Message> Broker::take(const std::vector<int>& queues) {
  std::deque<Message>* oldest = nullptr;
  for (int q : queues) {
    auto& d = queues_[static_cast<size_t>(q)];
    if (!d.empty() && (!oldest || d.front().seq < oldest->front().seq)) oldest = &d;
  }
  if (!oldest) return std::nullopt;
  Message m = oldest->front();
  oldest->pop_front();
  --depth_;
  return m;
}

}  // namespace schedlab
