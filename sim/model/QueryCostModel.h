// What a query costs the metadata DB: how long it keeps a core busy and how many 8 KiB pages it
// touches, each a per-type function of rows scanned, rows returned and the size of the table it
// reads, with coefficients from a calibration file. The pages matter once the DB outgrows the
// memory that caches them: every page not in memory is a read from disk (MetadataDb).
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "model/QueryCatalog.h"

namespace schedlab {

// fixed + perRowScanned * scanned + perRowReturned * returned + perDecade * log10(1 + table rows),
// the table's decades taken no lower than minDecades: the line is fitted over the sizes a
// calibration measured, and below the smallest a statement's cost stops falling (a dependency read
// measured at 1e4 and 1e5 task instances cost, in tables of 1-2 thousand, what it cost at 1e4).
struct LinearCost {
  double fixed = 0;
  double perRowScanned = 0;
  double perRowReturned = 0;
  double perDecade = 0;   // per factor of 10 in the table's rows (index depth)
  double minDecades = 0;  // the smallest size measured's log10(1 + rows); 0: none (the line all the way)

  double at(double rowsScanned, double rowsReturned, double decades) const {
    return fixed + perRowScanned * rowsScanned + perRowReturned * rowsReturned +
           perDecade * (decades < minDecades ? minDecades : decades);
  }
};

struct QueryCost {
  LinearCost seconds;  // CPU seconds of one DB core, all pages in memory
  LinearCost pages;    // 8 KiB pages read (from memory or disk)
  // CPU seconds of the server's own processes per query, after it is answered: the WAL writer
  // flushing its writes' commit records (commits asynchronous). 0 for reads, and where the
  // calibration did not measure it.
  double serverProcesses = 0;
};

// The scheduler's own CPU for one query (SQLAlchemy building it, psycopg2 sending it and reading
// the reply, the rows mapped to objects), as `schedlab calibrate` measured it: fixed + perRow per
// row the query returns or, for a write (rowsWritten), per row it writes.
struct ClientCost {
  double fixed = 0;
  double perRow = 0;
  bool rowsWritten = false;

  double at(double rowsScanned, double rowsReturned) const {
    return fixed + perRow * (rowsWritten ? rowsScanned : rowsReturned);
  }
};

// What a client connection costs the server beyond its statements' own work, as `schedlab
// calibrate` measured it ("connections"): starting its backend (the fork, authentication, the
// catalog caches) and ending it, once per connection; its first statements on the new backend,
// which builds its caches of the tables and indexes they touch, once per connection too; and
// waking it: a statement sent after the connection sat idle finds the backend's memory gone from
// the CPU's caches and costs more than one sent at the pace the per-type costs were measured at.
struct ConnectionCost {
  double setupSeconds = 0;  // the backend's start and end
  // Of setupSeconds, what the client waits for: the fork and the backend's start up to its first
  // answer (< 0: not measured, all of it). The rest is the backend's end, when the connection
  // closes.
  double startSeconds = -1;
  double coldSeconds = 0;  // its first statements' extra CPU over their per-type costs
  // A probe statement's server CPU after the connection idled idleSeconds[i] (ascending; the first
  // is the per-type costs' pace). Empty: no wake cost.
  std::vector<double> idleSeconds, statementSeconds;

  // Per query type, how many times the probe's wake-up the first statement of a batch of that
  // type pays (its statements touch more tables and indexes than the probe's one): measured for
  // the types a connection sends after idling, 1 for the others.
  std::array<double, kQueryTypeCount> wakeFactor = ones();

  // The extra server CPU of a statement sent `idle` seconds after its connection's previous one
  // ended: 0 up to the first point, interpolated in log(idle) between points, the last point's
  // beyond; never less than at a shorter idle time.
  double wake(double idle) const;
  // The start a connection's first statement waits for, and the end that comes at its close.
  double start() const;
  double end() const;

 private:
  static std::array<double, kQueryTypeCount> ones() {
    std::array<double, kQueryTypeCount> a;
    a.fill(1.0);
    return a;
  }
};

class QueryCostModel {
 public:
  // Throws std::runtime_error naming the file and field when the calibration is malformed.
  static QueryCostModel fromFile(const std::string& path);
  static QueryCostModel fromJson(const nlohmann::json& j, const std::string& origin);
  // The calibration compiled into schedlab (sim/calibration/default.json).
  static QueryCostModel shipped();

  double seconds(QueryType type, double rowsScanned, double rowsReturned, double tableRows) const {
    return costs_[static_cast<size_t>(type)].seconds.at(rowsScanned, rowsReturned, decades(tableRows));
  }
  double pages(QueryType type, double rowsScanned, double rowsReturned, double tableRows) const {
    return costs_[static_cast<size_t>(type)].pages.at(rowsScanned, rowsReturned, decades(tableRows));
  }
  // log10(1 + rows): the table-size term's argument, for callers that keep it between queries.
  static double decades(double rows);
  const QueryCost& cost(QueryType type) const { return costs_[static_cast<size_t>(type)]; }
  // The calibration measured the scheduler's side of each statement (its "client_costs").
  bool hasClientCosts() const { return hasClientCosts_; }
  // REQUIRES: hasClientCosts() for a meaningful figure (all zero otherwise).
  double clientSeconds(QueryType type, double rowsScanned, double rowsReturned) const {
    return clientCosts_[static_cast<size_t>(type)].at(rowsScanned, rowsReturned);
  }
  const ClientCost& clientCost(QueryType type) const { return clientCosts_[static_cast<size_t>(type)]; }
  // airflow3: the API server's own CPU per request ("api_server": {"request_cost_s"}, measured on a
  // FastAPI proxy by `schedlab calibrate`); < 0 when the calibration has none.
  double apiRequestCost() const { return apiRequestCost_; }
  // What a connection costs the server (all zero when the calibration did not measure it).
  const ConnectionCost& connectionCost() const { return connectionCost_; }
  // Seconds to read one page that is not in memory (a random read from the DB's disk).
  double pageReadSeconds() const { return pageReadSeconds_; }
  double bytesPerRow(Table t) const { return bytesPerRow_[static_cast<size_t>(t)]; }
  const std::string& origin() const { return origin_; }
  // The costs an airflow3 run pays: the calibration's "airflow3" section (Airflow 3.1's schema and
  // statements, measured by `schedlab calibrate`) wherever it costs a type or a table's rows, else
  // these.
  QueryCostModel airflow3() const;
  // The "airflow3" section's "measured" (what and how); null when it has none.
  const nlohmann::json& airflow3Provenance() const { return airflow3Provenance_; }
  const nlohmann::json& provenance() const { return provenance_; }

 private:
  // "client_costs": {"queries": {<type>: {fixed_s, per_row_s, per_row_of}}}, every type the
  // scheduler sends. Throws std::runtime_error naming the field when malformed.
  static void readClientCosts(const nlohmann::json& c, const std::string& where, QueryCostModel& m);

  std::array<QueryCost, kQueryTypeCount> costs_{};
  std::array<ClientCost, kQueryTypeCount> clientCosts_{};
  bool hasClientCosts_ = false;
  std::array<double, static_cast<size_t>(Table::Count)> bytesPerRow_{}, airflow3BytesPerRow_{};
  std::array<std::optional<QueryCost>, kQueryTypeCount> airflow3Costs_{};
  nlohmann::json airflow3Provenance_;
  double apiRequestCost_ = -1;
  double pageReadSeconds_ = 0;
  ConnectionCost connectionCost_;
  std::string origin_;
  nlohmann::json provenance_;
};

}  // namespace schedlab
