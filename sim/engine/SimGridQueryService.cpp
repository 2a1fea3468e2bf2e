#include "engine/SimGridQueryService.h"

#include <algorithm>
#include <cmath>

#include "engine/SimClock.h"
#include "engine/WakeQueue.h"

#include "model/MetadataDb.h"
#include "model/QueryCostModel.h"

namespace sg4 = simgrid::s4u;

namespace schedlab {

SimGridQueryService::SimGridQueryService(const MetadbConfig& config) : rtt_(config.networkRtt), cores_(config.cores) {
  if (config.poolSize > 0) pool_ = sg4::Semaphore::create(static_cast<unsigned>(config.poolSize));
}

void SimGridQueryService::chargeConnections(const ConnectionCost& cost) {
  connections_ = cost;
  chargesConnections_ = cost.setupSeconds > 0 || cost.coldSeconds > 0 || !cost.idleSeconds.empty();
}

// The backend's start and its first statements' cold caches on a connection's first statement
// (a batch's statements share the one charge), then its wake-up on each statement: the
// first after the connection's idle time since its previous batch (as many times the probe's as
// the batch's types take), the others after the round trip and the client's work that separate
// statements of a batch.
SimGridQueryService::ConnectionCharge SimGridQueryService::connectionSeconds(const QueryBatch& batch, double now,
                                                                             double perStatement) {
  if (!chargesConnections_) return {};
  auto [it, first] = lastStatementEnd_.try_emplace(sg4::this_actor::get_pid(), now);
  if (first)
    return {connections_.start() + connections_.coldSeconds, connections_.wake(perStatement), connections_.coldSeconds,
            true};
  // The first statement leaves once the client has built it.
  double wake = connections_.wake(now - it->second + perStatement);
  if (wake > 0) {  // most batches follow the previous one within the pace: no wake-up to scale
    double factor = 0;
    batch.forEachTypeUsed([&](size_t t) { factor = std::max(factor, connections_.wakeFactor[t]); });
    wake *= factor;
  }
  return {wake, connections_.wake(perStatement), 0, false};
}

double SimGridQueryService::serve(const QueryBatch& batch, double clientSecondsPerStatement) {
  if (pool_) pool_->acquire();
  const double now = SimClock::now();
  const double perStatement = rtt_ + clientSecondsPerStatement;
  const ConnectionCharge charge = connectionSeconds(batch, now, perStatement);
  const double firstConnection = charge.first, connection = charge.each;
  const int n = batch.queries();
  // The cold caches are the statements' (a live run counts them so); the start and end are not.
  work_.statements += batch.seconds() + charge.cold;
  (charge.start ? work_.connectionStarts : work_.wakeUps) += firstConnection - charge.cold;
  if (charge.start) work_.connectionEnds += connections_.end();
  work_.wakeUps += (n - 1) * connection;
  // Each statement leaves once the client has built it and crossed the network, and takes its
  // share of the batch's DB time on a core; the next leaves after it is answered.
  const double each = n > 0 ? batch.seconds() / n : 0;
  CoreQueue::Chain chain{
      .statements = n, .firstSeconds = each + firstConnection, .seconds = each + connection, .gap = perStatement};
  if (charge.start && n > 0 && firstConnection > charge.cold) {
    // A backend's start (15-25 ms of CPU) runs a slice at a time, giving way to the statements
    // other backends are woken for, up to a bound (CoreQueue::Chain).
    const double start = firstConnection - charge.cold;
    chain.slices = static_cast<int>(std::ceil(start / kStartSliceSeconds));
    chain.sliceSeconds = start / chain.slices;
    chain.sliceGivesWay = kStartGivesWaySeconds;
    chain.firstSeconds = each + charge.cold;
  }
  const CoreQueue::ChainId id = cores_.send(now, chain);
  CoreQueue::Progress answer;
  while (true) {  // asleep until it can be answered; again if others' statements came between
    cores_.advanceTo(SimClock::now());
    answer = cores_.progress(id);
    if (answer.known && answer.end <= SimClock::now()) break;
    WakeQueue::sleepUntil(answer.end);
  }
  cores_.release(id);
  // Disk reads overlap across queries (an SSD or cloud volume serves many at once), so they add
  // latency without queueing behind each other.
  WakeQueue::sleepUntil(answer.end + batch.diskSeconds());
  // The WAL writer flushes the batch's commits on a core once they are made; the client does not
  // wait for it, the statements after it on that core do.
  if (const double own = batch.serverProcessesSeconds(); own > 0) {
    cores_.serveAlone(SimClock::now(), own);
    work_.serverProcesses += own;
  }
  if (chargesConnections_) lastStatementEnd_[sg4::this_actor::get_pid()] = SimClock::now();
  if (pool_) pool_->release();
  return answer.atCore + n * rtt_ + batch.diskSeconds();
}

// Served in its turn among the statements, as PostgreSQL serves another client's.
void SimGridQueryService::serveOtherClient(double cpuSeconds) {
  cores_.serveAlone(SimClock::now(), cpuSeconds);
  work_.otherClients += cpuSeconds;
}

double SimGridQueryService::busySeconds() const { return cores_.busySeconds(SimClock::now()); }

}  // namespace schedlab
