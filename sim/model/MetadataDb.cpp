#include "model/MetadataDb.h"

#include <bit>

namespace schedlab {

QueryBatch::QueryBatch(const MetadataDb& db) : db_(&db), recordEntries_(db.recordsSubjects()) {}

void QueryBatch::add(QueryType type, double rowsScanned, double rowsReturned, int times, QuerySubject about) {
  if (times <= 0) return;
  if (recordEntries_)
    entries_.push_back({type, times, about.dag, about.run, std::vector<TiId>(about.tis.begin(), about.tis.end()),
                        about.failed, about.rescheduled});
  size_t i = static_cast<size_t>(type);
  double s = db_->cost(type, rowsScanned, rowsReturned) * times;
  double pages = db_->pages(type, rowsScanned, rowsReturned) * times;
  double fromDisk = pages * db_->missRatio();
  double disk = fromDisk * db_->pageReadSeconds();
  pages_ += pages;
  pagesFromDisk_ += fromDisk;
  diskSeconds_ += disk;
  clientSeconds_ += db_->clientCost(type, rowsScanned, rowsReturned) * times;
  serverProcessesSeconds_ += db_->serverProcessesCost(type) * times;
  // Counted in SQL statements: what Airflow's query logs and the seeds' "queries" count.
  int statements = queryInfo(type).statements * times;
  queries_ += statements;
  seconds_ += s;
  counts_[i] += statements;
  secondsByType_[i] += s + disk;
  typesUsed_[i / 64] |= uint64_t{1} << (i % 64);
}

void QueryBatch::add(const QueryBatch& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
  queries_ += other.queries_;
  seconds_ += other.seconds_;
  diskSeconds_ += other.diskSeconds_;
  pages_ += other.pages_;
  pagesFromDisk_ += other.pagesFromDisk_;
  clientSeconds_ += other.clientSeconds_;
  serverProcessesSeconds_ += other.serverProcessesSeconds_;
  // Only the types `other` holds: adding another's zeros would change nothing.
  other.forEachTypeUsed([&](size_t i) {
    counts_[i] += other.counts_[i];
    secondsByType_[i] += other.secondsByType_[i];
  });
  for (size_t w = 0; w < kUsedWords; ++w) typesUsed_[w] |= other.typesUsed_[w];
}

MetadataDb::MetadataDb(const MetadbConfig& config, QueryCostModel model,
                       const std::map<std::string, double>& initialRows, std::unique_ptr<QueryService> service)
    : cores_(config.cores),
      coreSpeed_(config.coreSpeed),
      cacheBytes_(config.cacheBytes),
      pageRead_(config.pageReadLatency >= 0 ? config.pageReadLatency : model.pageReadSeconds()),
      service_(std::move(service)),
      model_(std::move(model)) {
  if (service_) {
    ConnectionCost c = model_.connectionCost();
    c.setupSeconds /= coreSpeed_;
    if (c.startSeconds > 0) c.startSeconds /= coreSpeed_;
    c.coldSeconds /= coreSpeed_;
    for (double& s : c.statementSeconds) s /= coreSpeed_;
    service_->chargeConnections(c);
  }
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
  for (bool waited = true; waited && rt_;) {
    waited = false;
    for (const Failover& f : failovers_)
      if (rt_->now() >= f.start && rt_->now() < f.end) {
        rt_->sleepUntil(f.end);
        waited = true;
      }
  }
  // Measured: the batch's own client cost, spread over its statements.
  const double client = clientSecondsPerStatement == kMeasuredClientCost
                            ? batch.clientSeconds() / static_cast<double>(batch.queries())
                            : clientSecondsPerStatement;
  const double response = service_->serve(batch, client);
  pagesTouched_ += batch.pages();
  pagesFromDisk_ += batch.pagesFromDisk();
  if (measuring_) {
    queriesTotal_ += batch.queries();
    const double shared = (response - batch.seconds()) / batch.queries();
    batch.forEachTypeUsed([&](size_t i) {
      countByType_[i] += batch.counts()[i];
      secondsByType_[i] += batch.secondsByType()[i];
      responseByType_[i] += batch.secondsByType()[i] + batch.counts()[i] * shared;
    });
  }
}

void MetadataDb::startMeasuring() { measuring_ = true; }

}  // namespace schedlab
