// The metadata database as a contended server: a SimGrid host whose cores execute the queries
// schedulers and workers send, so concurrent queries slow each other down for real. With a
// connection pool (metadb.pool_size) a FIFO queue sits in front of the cores.
#pragma once

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include "model/QueryCatalog.h"
#include "model/QueryCostModel.h"
#include "scenario/Scenario.h"

namespace schedlab {

class MetadataDb;

// Queries one actor sends back to back. Executed as one activity: with no round-trip time between
// them this is exactly the same load on the DB as sending them one by one, and far cheaper to run.
class QueryBatch {
 public:
  explicit QueryBatch(const MetadataDb& db) : db_(&db) {}
  void add(QueryType type, double rowsScanned = 1, double rowsReturned = 1, int times = 1);
  void add(const QueryBatch& other);
  int queries() const { return queries_; }
  double seconds() const { return seconds_; }
  bool empty() const { return queries_ == 0; }
  const std::array<int, kQueryTypeCount>& counts() const { return counts_; }
  const std::array<double, kQueryTypeCount>& secondsByType() const { return secondsByType_; }

 private:
  const MetadataDb* db_;
  int queries_ = 0;
  double seconds_ = 0;
  std::array<int, kQueryTypeCount> counts_{};
  std::array<double, kQueryTypeCount> secondsByType_{};
};

class MetadataDb {
 public:
  static constexpr double kCoreSpeed = 1e9;  // flop/s: one flop is one nanosecond of a DB core

  MetadataDb(simgrid::s4u::Host* host, const MetadbConfig& config, QueryCostModel model,
             const std::map<std::string, double>& initialRows);

  QueryBatch batch() const { return QueryBatch(*this); }
  // Blocks the calling actor for the round trips, the client's own work per statement (the ORM
  // building statements and mapping rows), the wait for a connection and the service.
  void execute(const QueryBatch& batch, double clientSecondsPerStatement = 0);
  // Service time of one query, as the cost model gives it for the tables as they are now.
  double cost(QueryType type, double rowsScanned, double rowsReturned) const {
    return model_.seconds(type, rowsScanned, rowsReturned, rows_[static_cast<size_t>(queryInfo(type).table)]);
  }

  double rows(Table t) const { return rows_[static_cast<size_t>(t)]; }
  double initialRows(Table t) const { return initialRows_[static_cast<size_t>(t)]; }
  void addRows(Table t, double n);
  void removeRows(Table t, double n);
  double sizeBytes() const;
  // Largest row count / size seen so far (rows only shrink when archiving deletes them).
  double maxRows(Table t) const { return std::max(maxRows_[static_cast<size_t>(t)], rows(t)); }
  double maxSizeBytes() const { return std::max(maxSize_, sizeBytes()); }

  // Counting starts when the warm-up ends.
  void startMeasuring();
  bool measuring() const { return measuring_; }
  long long queriesTotal() const { return queriesTotal_; }
  const std::array<long long, kQueryTypeCount>& countByType() const { return countByType_; }
  const std::array<double, kQueryTypeCount>& secondsByType() const { return secondsByType_; }
  // Core-seconds of work done since the start of the simulation.
  double busySeconds() const;
  int cores() const { return cores_; }
  simgrid::s4u::Host* host() const { return host_; }
  const QueryCostModel& model() const { return model_; }

 private:
  simgrid::s4u::Host* host_;
  int cores_;
  double rtt_;
  simgrid::s4u::SemaphorePtr pool_;
  QueryCostModel model_;
  std::array<double, static_cast<size_t>(Table::Count)> rows_{}, maxRows_{}, initialRows_{};
  double maxSize_ = 0;
  bool measuring_ = false;
  long long queriesTotal_ = 0;
  std::array<long long, kQueryTypeCount> countByType_{};
  std::array<double, kQueryTypeCount> secondsByType_{};
};

}  // namespace schedlab
