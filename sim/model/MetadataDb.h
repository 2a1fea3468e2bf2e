// The metadata database: what it holds (rows and bytes per table), what each query costs on it
// (QueryCostModel, for the tables as they are now) and what was sent to it. Queries are served
// by a QueryService: in the simulator cores that serve one statement at a time, so concurrent
// queries wait for each other (SimGridQueryService); in `schedlab live` a real PostgreSQL.
//
// Buffer cache: the pages a query touches come from memory while the whole DB fits in
// metadb.cache. Beyond that a share 1 - cache/size of them is read from disk (every page equally
// likely to be cached, as an LRU cache over uniformly read pages gives), each read costing the
// page read latency while the query holds its connection but no core. So a DB that outgrows its
// memory slows every query down, as Airflow deployments without archiving saw.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/Ids.h"
#include "model/QueryCatalog.h"
#include "model/QueryCostModel.h"
#include "model/QueryService.h"
#include "model/Runtime.h"
#include "scenario/Scenario.h"

namespace schedlab {

class MetadataDb;

// What a query is about (none: nothing in particular): a DAG, a DAG run, and for queries about
// particular task instances those, one per repetition.
struct QuerySubject {
  DagId dag = {};
  RunId run = {};
  std::span<const TiId> tis = {};
  bool failed = false;       // a task's end: the try failed
  bool rescheduled = false;  // a sensor's poke ended up_for_reschedule
};

struct QueryEntry {
  QueryType type;
  int times;
  DagId dag;
  RunId run;
  std::vector<TiId> tis;
  bool failed, rescheduled;
};

// Queries one actor sends back to back. Executed as one activity: with no round-trip time between
// them this is exactly the same load on the DB as sending them one by one, and far cheaper to run.
class QueryBatch {
 public:
  explicit QueryBatch(const MetadataDb& db);
  void add(QueryType type, double rowsScanned = 1, double rowsReturned = 1, int times = 1, QuerySubject about = {});
  void add(const QueryBatch& other);
  // In send order; recorded only when the DB's service needs them (see QueryService).
  const std::vector<QueryEntry>& entries() const { return entries_; }
  int queries() const { return queries_; }
  double seconds() const { return seconds_; }  // CPU seconds on a DB core
  // The server's own processes' CPU seconds after the batch (the WAL writer's, for its writes).
  double serverProcessesSeconds() const { return serverProcessesSeconds_; }
  // The scheduler's CPU for the batch as the calibration measured it (its client_costs; 0
  // without them): what `scheduler.client_cost_per_query: measured` charges.
  double clientSeconds() const { return clientSeconds_; }
  double diskSeconds() const { return diskSeconds_; }  // waiting for pages read from disk
  double pages() const { return pages_; }
  double pagesFromDisk() const { return pagesFromDisk_; }
  bool empty() const { return queries_ == 0; }
  const std::array<int, kQueryTypeCount>& counts() const { return counts_; }
  const std::array<double, kQueryTypeCount>& secondsByType() const { return secondsByType_; }
  // Calls f(i) for each query type i the batch holds (the others' counts and seconds are zero).
  template <class F>
  void forEachTypeUsed(F f) const {
    for (size_t w = 0; w < kUsedWords; ++w)
      for (uint64_t used = typesUsed_[w]; used != 0; used &= used - 1)
        f(w * 64 + static_cast<size_t>(std::countr_zero(used)));
  }

 private:
  const MetadataDb* db_;
  bool recordEntries_;
  std::vector<QueryEntry> entries_;
  int queries_ = 0;
  double seconds_ = 0, diskSeconds_ = 0, pages_ = 0, pagesFromDisk_ = 0, clientSeconds_ = 0;
  double serverProcessesSeconds_ = 0;
  std::array<int, kQueryTypeCount> counts_{};
  std::array<double, kQueryTypeCount> secondsByType_{};
  // A bit per query type held (words of 64), so adding a batch visits only its types.
  static constexpr size_t kUsedWords = (kQueryTypeCount + 63) / 64;
  std::array<uint64_t, kUsedWords> typesUsed_{};
};

class MetadataDb {
 public:
  // `service` may be null for a DB whose costs are only looked at (tests); execute needs one.
  MetadataDb(const MetadbConfig& config, QueryCostModel model, const std::map<std::string, double>& initialRows,
             std::unique_ptr<QueryService> service = nullptr);

  QueryBatch batch() const { return QueryBatch(*this); }
  // Serves the batch (see QueryService::serve) and counts it. During a failover window it first
  // waits for the window's end, as Airflow's sessions wait for the database to come back.
  // `clientSecondsPerStatement` kMeasuredClientCost: the batch's measured client cost instead.
  void execute(const QueryBatch& batch, double clientSecondsPerStatement = 0);
  // Failovers [start, end) on the runtime's clock; `errors`: connections are refused meanwhile
  // (callers that handle it ask refusing() first; execute still waits). `fault`: its index.
  struct Failover {
    double start, end;
    bool errors;
    int fault;
  };
  void setFailovers(Runtime& rt, std::vector<Failover> windows) {
    rt_ = &rt;
    failovers_ = std::move(windows);
  }
  // The error-mode failover refusing connections now, or nullptr.
  const Failover* refusing() const {
    if (!rt_) return nullptr;
    for (const Failover& f : failovers_)
      if (f.errors && rt_->now() >= f.start && rt_->now() < f.end) return &f;
    return nullptr;
  }
  bool recordsSubjects() const { return service_ && service_->needsSubjects(); }
  // The slot_pool rows 2.x's critical section locks (FOR UPDATE NOWAIT): one holder at a time.
  SemaphorePtr slotPoolLock;
  // CPU time of one query, as the cost model gives it for the tables as they are now.
  double cost(QueryType type, double rowsScanned, double rowsReturned) const {
    return model_.cost(type).seconds.at(rowsScanned, rowsReturned, decades(queryInfo(type).table)) / coreSpeed_;
  }
  // The server's own processes' CPU after one query (QueryCost::serverProcesses).
  double serverProcessesCost(QueryType type) const { return model_.cost(type).serverProcesses / coreSpeed_; }
  // Pages one query touches.
  double pages(QueryType type, double rowsScanned, double rowsReturned) const {
    return model_.cost(type).pages.at(rowsScanned, rowsReturned, decades(queryInfo(type).table));
  }
  // The scheduler's CPU for one query, as the calibration's client costs give it (0 without them).
  double clientCost(QueryType type, double rowsScanned, double rowsReturned) const {
    return model_.clientSeconds(type, rowsScanned, rowsReturned);
  }
  // The calibration measured the scheduler's side (`client_cost_per_query: measured` needs it).
  bool hasClientCosts() const { return model_.hasClientCosts(); }
  // Share of touched pages that are not in memory, for the DB's size now.
  double missRatio() const {
    return cacheBytes_ > 0 && sizeBytes_ > cacheBytes_ ? 1.0 - cacheBytes_ / sizeBytes_ : 0.0;
  }
  double pageReadSeconds() const { return pageRead_; }

  double rows(Table t) const { return rows_[static_cast<size_t>(t)]; }
  double initialRows(Table t) const { return initialRows_[static_cast<size_t>(t)]; }
  void addRows(Table t, double n);
  void removeRows(Table t, double n);
  double sizeBytes() const { return sizeBytes_; }
  // Largest row count / size seen so far (rows only shrink when archiving deletes them).
  double maxRows(Table t) const { return std::max(maxRows_[static_cast<size_t>(t)], rows(t)); }
  double maxSizeBytes() const { return std::max(maxSize_, sizeBytes()); }

  // Counting starts when the warm-up ends.
  void startMeasuring();
  bool measuring() const { return measuring_; }
  long long queriesTotal() const { return queriesTotal_; }
  const std::array<long long, kQueryTypeCount>& countByType() const { return countByType_; }
  const std::array<double, kQueryTypeCount>& secondsByType() const { return secondsByType_; }
  // Per query type, its statements' response time summed (QueryService::serve): a batch's is
  // given to its types as their DB time plus, per statement, an equal share of the rest (round
  // trips, waits for a core, connections' wake-ups, reads from disk).
  const std::array<double, kQueryTypeCount>& responseSecondsByType() const { return responseByType_; }
  // Pages touched and pages read from disk since the start of the simulation.
  double pagesTouched() const { return pagesTouched_; }
  double pagesFromDisk() const { return pagesFromDisk_; }
  // A statement of `cpuSeconds` from a client other than Airflow's (metadb.other_clients), sent now.
  // REQUIRES: cpuSeconds >= 0.
  void serveOtherClient(double cpuSeconds) {
    if (service_) service_->serveOtherClient(cpuSeconds);
  }
  // Core-seconds of work done since the start of the simulation.
  double busySeconds() const { return service_ ? service_->busySeconds() : 0; }
  DbWork workByPart() const { return service_ ? service_->workByPart() : DbWork{}; }
  int cores() const { return cores_; }
  const QueryCostModel& model() const { return model_; }

 private:
  int cores_;
  double coreSpeed_;
  double cacheBytes_;
  double pageRead_;
  std::unique_ptr<QueryService> service_;
  QueryCostModel model_;
  Runtime* rt_ = nullptr;
  std::vector<Failover> failovers_;
  std::array<double, static_cast<size_t>(Table::Count)> rows_{}, maxRows_{}, initialRows_{};
  // log10(1 + rows) of each table, computed again only when its rows changed since: every query
  // needs it, rows change far less often.
  double decades(Table t) const {
    const size_t i = static_cast<size_t>(t);
    if (decadesOfRows_[i] != rows_[i]) {
      decadesOfRows_[i] = rows_[i];
      decades_[i] = QueryCostModel::decades(rows_[i]);
    }
    return decades_[i];
  }
  mutable std::array<double, static_cast<size_t>(Table::Count)> decades_{}, decadesOfRows_{};
  double sizeBytes_ = 0, maxSize_ = 0;
  double pagesTouched_ = 0, pagesFromDisk_ = 0;
  bool measuring_ = false;
  long long queriesTotal_ = 0;
  std::array<long long, kQueryTypeCount> countByType_{};
  std::array<double, kQueryTypeCount> secondsByType_{}, responseByType_{};
};

}  // namespace schedlab
