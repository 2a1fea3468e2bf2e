#include "engine/SimGridQueryService.h"

#include <algorithm>

#include "engine/StartExec.h"
#include "model/MetadataDb.h"
#include "model/QueryCostModel.h"

namespace sg4 = simgrid::s4u;

namespace schedlab {

SimGridQueryService::SimGridQueryService(sg4::Host* host, const MetadbConfig& config)
    : host_(host), rtt_(config.networkRtt) {
  if (config.poolSize > 0) pool_ = sg4::Semaphore::create(static_cast<unsigned>(config.poolSize));
}

void SimGridQueryService::chargeConnections(const ConnectionCost& cost) {
  connections_ = cost;
  chargesConnections_ = cost.setupSeconds > 0 || !cost.idleSeconds.empty();
}

// The backend's start on a connection's first statement, then its wake-up on each statement: the
// first after the connection's idle time since its previous batch, the others after the
// round trip and the client's work that separate statements of a batch.
double SimGridQueryService::connectionSeconds(double perStatement, int statements) {
  if (!chargesConnections_) return 0;
  const double now = sg4::Engine::get_clock();
  auto [it, first] = lastStatementEnd_.try_emplace(sg4::this_actor::get_pid(), now);
  // The first statement leaves once the client has built it.
  double s = first ? connections_.setupSeconds : connections_.wake(now - it->second + perStatement);
  if (statements > 1) s += (statements - 1) * connections_.wake(perStatement);
  return s;
}

void SimGridQueryService::serve(const QueryBatch& batch, double clientSecondsPerStatement) {
  if (pool_) pool_->acquire();
  double perStatement = rtt_ + clientSecondsPerStatement;
  const double connection = connectionSeconds(perStatement, batch.queries());
  if (perStatement > 0) sg4::this_actor::sleep_for(perStatement * batch.queries());
  if (batch.seconds() + connection > 0) {
    const double flops = (batch.seconds() + connection) * kCoreSpeed;
    sg4::ExecPtr exec = startExec(host_, flops);
    running_.push_back({exec, flops});
    exec->wait();
    running_.erase(std::find_if(running_.begin(), running_.end(), [&](const auto& r) { return r.first == exec; }));
    done_ += flops;
  }
  // Disk reads overlap across queries (an SSD or cloud volume serves many at once), so they add
  // latency without queueing behind each other.
  if (batch.diskSeconds() > 0) sg4::this_actor::sleep_for(batch.diskSeconds());
  if (chargesConnections_) lastStatementEnd_[sg4::this_actor::get_pid()] = sg4::Engine::get_clock();
  if (pool_) pool_->release();
}

double SimGridQueryService::busySeconds() const {
  double flops = done_;
  for (const auto& [e, total] : running_) flops += total - e->get_remaining();
  return flops / kCoreSpeed;
}

}  // namespace schedlab
