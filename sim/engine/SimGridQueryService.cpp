#include "engine/SimGridQueryService.h"

#include <algorithm>

#include "engine/StartExec.h"
#include "model/MetadataDb.h"

namespace sg4 = simgrid::s4u;

namespace schedlab {

SimGridQueryService::SimGridQueryService(sg4::Host* host, const MetadbConfig& config)
    : host_(host), rtt_(config.networkRtt) {
  if (config.poolSize > 0) pool_ = sg4::Semaphore::create(static_cast<unsigned>(config.poolSize));
}

void SimGridQueryService::serve(const QueryBatch& batch, double clientSecondsPerStatement) {
  if (pool_) pool_->acquire();
  double perStatement = rtt_ + clientSecondsPerStatement;
  if (perStatement > 0) sg4::this_actor::sleep_for(perStatement * batch.queries());
  if (batch.seconds() > 0) {
    const double flops = batch.seconds() * kCoreSpeed;
    sg4::ExecPtr exec = startExec(host_, flops);
    running_.push_back({exec, flops});
    exec->wait();
    running_.erase(std::find_if(running_.begin(), running_.end(), [&](const auto& r) { return r.first == exec; }));
    done_ += flops;
  }
  // Disk reads overlap across queries (an SSD or cloud volume serves many at once), so they add
  // latency without queueing behind each other.
  if (batch.diskSeconds() > 0) sg4::this_actor::sleep_for(batch.diskSeconds());
  if (pool_) pool_->release();
}

double SimGridQueryService::busySeconds() const {
  double flops = done_;
  for (const auto& [e, total] : running_) flops += total - e->get_remaining();
  return flops / kCoreSpeed;
}

}  // namespace schedlab
