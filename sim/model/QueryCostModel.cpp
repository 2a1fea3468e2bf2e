#include "model/QueryCostModel.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "calibration/DefaultCalibration.h"

namespace schedlab {
namespace {

double field(const nlohmann::json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key)) return 0.0;
  const auto& v = obj.at(key);
  if (!v.is_number() || v.get<double>() < 0)
    throw std::runtime_error(where + "." + key + ": expected a non-negative number");
  return v.get<double>();
}

// "connections": {"setup_s", "start_s", "cold_statements_s", "idle_s": [...], "statement_cpu_s": [...],
// "wake_factor": {type: x}}, the idle times ascending; cold_statements_s optional (calibrations
// before it measured a connection that sent SELECT 1 only; start_s too, before which a client
// waited for the start and the end).
ConnectionCost readConnectionCost(const nlohmann::json& c, const std::string& where) {
  ConnectionCost out;
  out.setupSeconds = field(c, "setup_s", where);
  if (c.contains("start_s")) {
    out.startSeconds = field(c, "start_s", where);
    if (out.startSeconds > out.setupSeconds)
      throw std::runtime_error(where + ".start_s: expected no more than setup_s (the start and the end)");
  }
  if (c.contains("cold_statements_s")) out.coldSeconds = field(c, "cold_statements_s", where);
  auto list = [&](const char* key) {
    std::vector<double> v;
    if (!c.contains(key)) return v;
    if (!c[key].is_array()) throw std::runtime_error(where + "." + key + ": expected a list of non-negative numbers");
    for (const auto& x : c[key]) {
      if (!x.is_number() || x.get<double>() < 0)
        throw std::runtime_error(where + "." + key + ": expected a list of non-negative numbers");
      v.push_back(x.get<double>());
    }
    return v;
  };
  out.idleSeconds = list("idle_s");
  out.statementSeconds = list("statement_cpu_s");
  if (out.idleSeconds.size() != out.statementSeconds.size())
    throw std::runtime_error(where + ": idle_s and statement_cpu_s must be as long as each other");
  for (size_t i = 0; i < out.idleSeconds.size(); ++i)
    if (out.idleSeconds[i] <= 0 || (i > 0 && out.idleSeconds[i] <= out.idleSeconds[i - 1]))
      throw std::runtime_error(where + ".idle_s: expected positive idle times in ascending order");
  if (c.contains("wake_factor")) {
    const auto& f = c["wake_factor"];
    const std::string w = where + ".wake_factor";
    if (!f.is_object()) throw std::runtime_error(w + ": expected an object of query types");
    for (auto it = f.begin(); it != f.end(); ++it) {
      const auto type = queryTypeNamed(it.key());
      if (!type) throw std::runtime_error(w + "." + it.key() + ": not a query type");
      out.wakeFactor[static_cast<size_t>(*type)] = field(f, it.key().c_str(), w);
    }
  }
  return out;
}

// A query type's costs. Page counts sit under "pages" with the same four coefficients.
QueryCost queryCost(const nlohmann::json& c, const std::string& where) {
  QueryCost q;
  // Optional: a calibration from before it takes the line all the way down.
  const double minDecades = c.contains("min_decades") ? field(c, "min_decades", where) : 0;
  q.seconds = {field(c, "fixed_s", where), field(c, "per_row_scanned_s", where), field(c, "per_row_returned_s", where),
               field(c, "per_decade_s", where), minDecades};
  if (c.contains("pages")) {
    const auto& p = c["pages"];
    std::string w = where + ".pages";
    if (!p.is_object()) throw std::runtime_error(w + ": expected an object");
    q.pages = {field(p, "fixed", w), field(p, "per_row_scanned", w), field(p, "per_row_returned", w),
               field(p, "per_decade", w), minDecades};
  }
  // Optional: calibrations from before it, and servers elsewhere, did not measure it.
  if (c.contains("server_processes_s")) q.serverProcesses = field(c, "server_processes_s", where);
  return q;
}

QueryCost scaled(const QueryCost& c, double k) {
  auto times = [k](const LinearCost& l) {
    return LinearCost{l.fixed * k, l.perRowScanned * k, l.perRowReturned * k, l.perDecade * k, l.minDecades};
  };
  return {times(c.seconds), times(c.pages), c.serverProcesses * k};
}

// What a type is costed as in a calibration from before it (airflow3's, deferral's and assets'
// in a calibration without the 3.1 layout's measurements): a type sending statements of the same kind
// (single-row reads and writes by key: worker_start's five, worker_finish's four, the job row's
// UPDATE; small reads of the dag table: get_paused_dags' one; a task instance's read by an index:
// ti_current_state's one), per statement.
struct StandIn {
  const char* type;
  double statements;
};

bool standIn(QueryType type, StandIn& out) {
  const QueryInfo& info = queryInfo(type);
  if (info.apiServer) {
    out = {"worker_start", 5};
    return true;
  }
  switch (type) {
    case QueryType::WorkerDefer:
    case QueryType::TriggerEventSubmit:
    case QueryType::AssetEventRegister:
      out = {"worker_finish", 4};
      return true;
    case QueryType::TriggererLoad:
    case QueryType::TriggerCleanUnused:
    case QueryType::AdrqSelect:
    case QueryType::VariableGet:
    case QueryType::ConnectionGet:
    case QueryType::DagProcessorParse:
    case QueryType::DeadlineScan:
    case QueryType::DagrunCreateVersions:
      out = {"get_paused_dags", 1};
      return true;
    case QueryType::TriggerAssign:
    case QueryType::TriggererHeartbeat:
    case QueryType::AdrqDelete:
      out = {"scheduler_heartbeat", 1};
      return true;
    case QueryType::CheckTriggerTimeouts:
    case QueryType::VerifyDagVersion:
      out = {"ti_current_state", 1};
      return true;
    case QueryType::AssetEventsForRun:  // rows read and mapped to objects, as a run's task instances
      out = {"update_state_select_tis", 1};
      return true;
    case QueryType::AssetRunEventsInsert:  // rows written, as a run's task instances
      out = {"dagrun_insert", 2};
      return true;
    case QueryType::KedaCount:  // a count over the running and queued task instances, as the pools'
      out = {"pool_state_counts", 1};
      return true;
    default:
      return false;
  }
}

bool derivedCost(const nlohmann::json& q, QueryType type, QueryCost& out) {
  StandIn s;
  if (!standIn(type, s) || !q.contains(s.type)) return false;
  out = scaled(queryCost(q[s.type], std::string("queries.") + s.type), queryInfo(type).statements / s.statements);
  return true;
}

void checkKnownTypes(const nlohmann::json& q, const std::string& where) {
  for (auto it = q.begin(); it != q.end(); ++it) {
    if (it.key() == "default") continue;
    if (!queryTypeNamed(it.key())) throw std::runtime_error(where + "." + it.key() + ": unknown query type");
  }
}

}  // namespace

void QueryCostModel::readClientCosts(const nlohmann::json& c, const std::string& where, QueryCostModel& m) {
  if (!c.is_object() || !c.contains("queries") || !c["queries"].is_object())
    throw std::runtime_error(where + ".queries: expected an object of query types");
  const auto& q = c["queries"];
  for (auto it = q.begin(); it != q.end(); ++it)
    if (!queryTypeNamed(it.key())) throw std::runtime_error(where + ".queries." + it.key() + ": unknown query type");
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    if (!kQueries[i].schedulerSide) continue;
    const std::string name(kQueries[i].name), w = where + ".queries." + name;
    StandIn s;
    if (!q.contains(name) && (kQueries[i].airflow3Only || kQueries[i].deferralOrAssets) &&
        standIn(static_cast<QueryType>(i), s) && q.contains(s.type)) {
      // Measured before airflow3's own statements (or deferral's and assets'): as the stand-in's,
      // per statement.
      const auto& t = q[s.type];
      const double k = kQueries[i].statements / s.statements;
      const bool written = t.is_object() && t.value("per_row_of", std::string("returned")) == "written";
      m.clientCosts_[i] = {field(t, "fixed_s", w) * k, field(t, "per_row_s", w) * k, written};
      continue;
    }
    if (!q.contains(name)) throw std::runtime_error(w + ": missing (every type the scheduler sends is measured)");
    const auto& t = q[name];
    if (!t.is_object()) throw std::runtime_error(w + ": expected an object");
    const auto ofNode = t.contains("per_row_of") ? t["per_row_of"] : nlohmann::json("returned");
    const std::string of = ofNode.is_string() ? ofNode.get<std::string>() : "";
    if (of != "returned" && of != "written") throw std::runtime_error(w + ".per_row_of: expected returned or written");
    m.clientCosts_[i] = {field(t, "fixed_s", w), field(t, "per_row_s", w), of == "written"};
  }
  m.hasClientCosts_ = true;
}

double QueryCostModel::decades(double rows) { return std::log10(1.0 + std::max(0.0, rows)); }

QueryCostModel QueryCostModel::fromJson(const nlohmann::json& j, const std::string& origin) {
  QueryCostModel m;
  m.origin_ = origin;
  if (!j.is_object() || !j.contains("queries") || !j["queries"].is_object())
    throw std::runtime_error(origin + ": queries: missing (a calibration maps query types to costs)");
  const auto& q = j["queries"];
  QueryCost fallback;
  bool hasDefault = q.contains("default");
  if (hasDefault) fallback = queryCost(q["default"], origin + ": queries.default");
  checkKnownTypes(q, origin + ": queries");
  // "airflow3": the 3.1 schema's measured shapes, what an airflow3 run pays (airflow3()).
  const nlohmann::json none = nlohmann::json::object();
  const nlohmann::json& a3 = j.contains("airflow3") ? j["airflow3"] : none;
  if (!a3.is_object()) throw std::runtime_error(origin + ": airflow3: expected an object");
  const nlohmann::json& q3 = a3.contains("queries") ? a3["queries"] : none;
  if (!q3.is_object()) throw std::runtime_error(origin + ": airflow3.queries: expected an object of query types");
  checkKnownTypes(q3, origin + ": airflow3.queries");
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    std::string name(kQueries[i].name);
    if (q3.contains(name)) m.airflow3Costs_[i] = queryCost(q3[name], origin + ": airflow3.queries." + name);
    // 3.1's deferral route: the state route's statements and the trigger's INSERT.
    if (static_cast<QueryType>(i) == QueryType::ApiTiDefer && !q3.contains(name) && q3.contains("api_ti_state"))
      m.airflow3Costs_[i] = scaled(queryCost(q3["api_ti_state"], origin + ": airflow3.queries.api_ti_state"), 5.0 / 4);
    if (!q.contains(name)) {
      if (hasDefault) {
        m.costs_[i] = fallback;
      } else if (kQueries[i].airflow3Only && q3.contains(name)) {
        m.costs_[i] = *m.airflow3Costs_[i];
      } else if (!derivedCost(q, static_cast<QueryType>(i), m.costs_[i])) {
        throw std::runtime_error(origin + ": queries." + name + ": missing (and no default)");
      }
      continue;
    }
    m.costs_[i] = queryCost(q[name], origin + ": queries." + name);
  }
  if (j.contains("connections")) m.connectionCost_ = readConnectionCost(j["connections"], origin + ": connections");
  if (j.contains("storage")) m.pageReadSeconds_ = field(j["storage"], "page_read_s", origin + ": storage");
  const auto bytes = j.value("bytes_per_row", nlohmann::json::object());
  for (size_t t = 0; t < kTableNames.size(); ++t) {
    std::string name(kTableNames[t]);
    m.bytesPerRow_[t] = bytes.contains(name) ? field(bytes, name.c_str(), origin + ": bytes_per_row") : 0.0;
  }
  // task_reschedule rows are as narrow as log rows; calibrations before it did not measure it.
  const size_t reschedule = static_cast<size_t>(Table::TaskReschedule), log = static_cast<size_t>(Table::Log);
  if (!bytes.contains("task_reschedule")) m.bytesPerRow_[reschedule] = m.bytesPerRow_[log];
  // A history row is a task instance's copy.
  const size_t history = static_cast<size_t>(Table::TaskInstanceHistory), ti = static_cast<size_t>(Table::TaskInstance);
  if (!bytes.contains("task_instance_history")) m.bytesPerRow_[history] = m.bytesPerRow_[ti];
  // An asset event is a narrow row with a small JSON payload, as a log row (not measured yet).
  const size_t assetEvent = static_cast<size_t>(Table::AssetEvent);
  if (!bytes.contains("asset_event")) m.bytesPerRow_[assetEvent] = m.bytesPerRow_[log];
  m.airflow3BytesPerRow_ = m.bytesPerRow_;
  if (a3.contains("bytes_per_row")) {
    const auto& b3 = a3["bytes_per_row"];
    if (!b3.is_object()) throw std::runtime_error(origin + ": airflow3.bytes_per_row: expected an object");
    for (size_t t = 0; t < kTableNames.size(); ++t) {
      std::string name(kTableNames[t]);
      if (b3.contains(name)) m.airflow3BytesPerRow_[t] = field(b3, name.c_str(), origin + ": airflow3.bytes_per_row");
    }
  }
  m.airflow3Provenance_ = a3.value("measured", nlohmann::json());
  if (j.contains("client_costs")) readClientCosts(j["client_costs"], origin + ": client_costs", m);
  if (j.contains("api_server")) {
    if (!j["api_server"].is_object() || !j["api_server"].contains("request_cost_s"))
      throw std::runtime_error(origin + ": api_server.request_cost_s: missing");
    m.apiRequestCost_ = field(j["api_server"], "request_cost_s", origin + ": api_server");
  }
  m.provenance_ = j.value("measured", nlohmann::json::object());
  return m;
}

QueryCostModel QueryCostModel::airflow3() const {
  QueryCostModel m = *this;
  for (size_t i = 0; i < kQueryTypeCount; ++i)
    if (airflow3Costs_[i]) m.costs_[i] = *airflow3Costs_[i];
  m.bytesPerRow_ = airflow3BytesPerRow_;
  return m;
}

QueryCostModel QueryCostModel::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read calibration file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number past a double's range
    throw std::runtime_error(path + ": not valid JSON: " + e.what());
  }
  try {
    return fromJson(j, path);
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong type where a value was read
    throw std::runtime_error(path + ": " + e.what());
  }
}

QueryCostModel QueryCostModel::shipped() {
  static const nlohmann::json j = nlohmann::json::parse(kDefaultCalibrationJson);
  return fromJson(j, "shipped calibration");
}

double ConnectionCost::start() const { return startSeconds >= 0 ? startSeconds : setupSeconds; }

double ConnectionCost::end() const { return setupSeconds - start(); }

double ConnectionCost::wake(double idle) const {
  const size_t n = idleSeconds.size();
  if (n < 2 || idle <= idleSeconds[0]) return 0;
  const double base = statementSeconds[0];
  double best = 0;  // the extra at the points up to `idle`: a noisy point never lowers it
  for (size_t i = 1; i < n; ++i) {
    if (idle < idleSeconds[i]) {
      const double f = std::log(idle / idleSeconds[i - 1]) / std::log(idleSeconds[i] / idleSeconds[i - 1]);
      const double at = statementSeconds[i - 1] + f * (statementSeconds[i] - statementSeconds[i - 1]) - base;
      return std::max(best, at);
    }
    best = std::max(best, statementSeconds[i] - base);
  }
  return best;
}

}  // namespace schedlab
