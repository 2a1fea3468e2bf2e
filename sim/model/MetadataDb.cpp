#include "model/MetadataDb.h"

#include <simgrid/plugins/load.h>

namespace sg4 = simgrid::s4u;

namespace schedlab {

void QueryBatch::add(QueryType type, double rowsScanned, double rowsReturned, int times) {
  if (times <= 0) return;
  size_t i = static_cast<size_t>(type);
  double s = db_->cost(type, rowsScanned, rowsReturned) * times;
  double pages = db_->pages(type, rowsScanned, rowsReturned) * times;
  double fromDisk = pages * db_->missRatio();
  double disk = fromDisk * db_->pageReadSeconds();
  pages_ += pages;
  pagesFromDisk_ += fromDisk;
  diskSeconds_ += disk;
  // Counted in SQL statements: what Airflow's query logs and the seeds' "queries" count.
  int statements = queryInfo(type).statements * times;
  queries_ += statements;
  seconds_ += s;
  counts_[i] += statements;
  secondsByType_[i] += s + disk;
}

void QueryBatch::add(const QueryBatch& other) {
  queries_ += other.queries_;
  seconds_ += other.seconds_;
  diskSeconds_ += other.diskSeconds_;
  pages_ += other.pages_;
  pagesFromDisk_ += other.pagesFromDisk_;
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    counts_[i] += other.counts_[i];
    secondsByType_[i] += other.secondsByType_[i];
  }
}

MetadataDb::MetadataDb(sg4::Host* host, const MetadbConfig& config, QueryCostModel model,
                       const std::map<std::string, double>& initialRows)
    : host_(host),
      cores_(config.cores),
      rtt_(config.networkRtt),
      cacheBytes_(config.cacheBytes),
      pageRead_(config.pageReadLatency >= 0 ? config.pageReadLatency : model.pageReadSeconds()),
      model_(std::move(model)) {
  if (config.poolSize > 0) pool_ = sg4::Semaphore::create(static_cast<unsigned>(config.poolSize));
  for (auto& [table, n] : initialRows) {
    for (size_t t = 0; t < kTableNames.size(); ++t) {
      if (kTableNames[t] != table) continue;
      addRows(static_cast<Table>(t), n);
      initialRows_[t] = n;
    }
  }
}

void MetadataDb::addRows(Table t, double n) {
  rows_[static_cast<size_t>(t)] += n;
  sizeBytes_ += n * model_.bytesPerRow(t);
}

void MetadataDb::removeRows(Table t, double n) {
  size_t i = static_cast<size_t>(t);
  maxSize_ = std::max(maxSize_, sizeBytes_);
  maxRows_[i] = std::max(maxRows_[i], rows_[i]);
  double removed = std::min(n, rows_[i]);
  rows_[i] -= removed;
  sizeBytes_ = std::max(0.0, sizeBytes_ - removed * model_.bytesPerRow(t));
}

void MetadataDb::execute(const QueryBatch& batch, double clientSecondsPerStatement) {
  if (batch.empty()) return;
  if (pool_) pool_->acquire();
  double perStatement = rtt_ + clientSecondsPerStatement;
  if (perStatement > 0) sg4::this_actor::sleep_for(perStatement * batch.queries());
  if (batch.seconds() > 0)
    sg4::this_actor::exec_init(batch.seconds() * kCoreSpeed)->set_host(host_)->wait();
  // Disk reads overlap across queries (an SSD or cloud volume serves many at once), so they add
  // latency without queueing behind each other.
  if (batch.diskSeconds() > 0) sg4::this_actor::sleep_for(batch.diskSeconds());
  if (pool_) pool_->release();
  pagesTouched_ += batch.pages();
  pagesFromDisk_ += batch.pagesFromDisk();
  if (measuring_) {
    queriesTotal_ += batch.queries();
    for (size_t i = 0; i < kQueryTypeCount; ++i) {
      countByType_[i] += batch.counts()[i];
      secondsByType_[i] += batch.secondsByType()[i];
    }
  }
}

void MetadataDb::startMeasuring() { measuring_ = true; }

double MetadataDb::busySeconds() const { return sg_host_get_computed_flops(host_) / kCoreSpeed; }

}  // namespace schedlab
