#include "pg/CalibrationFit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

#include "model/QueryCatalog.h"
#include "pg/QueryShapes.h"
#include "pg/SpeedProbe.h"
#include "util/Median.h"

namespace schedlab {
namespace {

struct Source {
  SchemaLayout layout;
  const char* shape;
  int statements;  // the catalog query sends the shape's statement this many times
};

// Deferral's and assets' statements, measured on the 3.1 layout only, for both sections: its
// trigger and asset tables are 2.2+'s trigger and 2.4+'s dataset tables renamed. A calibration
// without that layout leaves them out (QueryCostModel costs them as stand-ins).
const std::map<std::string, Source>& deferralAndAssetSources() {
  using L = SchemaLayout;
  static const std::map<std::string, Source> m = {
      {"worker_defer", {L::Airflow3, "worker_defer", 1}},
      {"api_ti_defer", {L::Airflow3, "api_ti_defer", 1}},
      {"triggerer_load", {L::Airflow3, "triggerer_load", 1}},
      {"trigger_assign", {L::Airflow3, "trigger_assign", 1}},
      {"trigger_event_submit", {L::Airflow3, "trigger_event_submit", 1}},
      {"trigger_clean_unused", {L::Airflow3, "trigger_clean_unused", 1}},
      {"triggerer_heartbeat", {L::Airflow3, "scheduler_heartbeat", 1}},
      {"check_trigger_timeouts", {L::Airflow3, "check_trigger_timeouts", 1}},
      {"asset_event_register", {L::Airflow3, "asset_event_register", 1}},
      {"adrq_select", {L::Airflow3, "adrq_select", 1}},
      {"asset_events_for_run", {L::Airflow3, "asset_events_for_run", 1}},
      {"asset_run_events_insert", {L::Airflow3, "asset_run_events_insert", 1}},
      {"adrq_delete", {L::Airflow3, "adrq_delete", 1}},
  };
  return m;
}

// Which measured shape costs each catalog query type (keep in step with model/QueryCatalog.h).
const std::map<std::string, Source>& catalogSources() {
  using L = SchemaLayout;
  static const std::map<std::string, Source> m = [] {
    std::map<std::string, Source> all = {
        {"tis_without_dagrun", {L::Airflow110, "concurrency_counts", 1}},
        {"find_scheduled_tis", {L::Airflow110, "find_scheduled_tis", 1}},
        {"select_pools", {L::Airflow110, "sync_dag", 1}},
        {"concurrency_counts", {L::Airflow110, "concurrency_counts", 1}},
        {"pool_open_slots", {L::Airflow110, "concurrency_counts", 1}},
        {"lock_and_queue_tis", {L::Airflow110, "ti_merge_scheduled", 2}},
        {"sync_dag", {L::Airflow110, "sync_dag", 2}},
        {"get_paused_dags", {L::Airflow110, "sync_dag", 1}},
        {"create_dag_run_checks", {L::Airflow110, "create_dag_run_checks", 1}},
        {"find_running_dagruns", {L::Airflow110, "find_running_dagruns", 1}},
        {"verify_integrity", {L::Airflow110, "update_state_select_tis", 1}},
        {"update_state_select_tis", {L::Airflow110, "update_state_select_tis", 1}},
        {"update_state_unfinished", {L::Airflow110, "update_state_select_tis", 1}},
        {"ti_current_state", {L::Airflow110, "ti_current_state", 1}},
        {"trigger_rule_dep", {L::Airflow110, "trigger_rule_dep", 1}},
        {"not_previously_skipped_dep", {L::Airflow110, "update_state_select_tis", 1}},
        {"prev_dagrun_dep", {L::Airflow110, "ti_current_state", 1}},
        {"schedulable_tis_select", {L::Airflow110, "update_state_select_tis", 1}},
        {"dagrun_update", {L::Airflow110, "ti_merge_scheduled", 1}},
        {"ti_lock_for_schedule", {L::Airflow110, "ti_current_state", 1}},
        {"ti_merge_scheduled", {L::Airflow110, "ti_merge_scheduled", 1}},
        {"dagrun_insert", {L::Airflow110, "ti_merge_scheduled", 2}},
        {"dags_needing_dagruns", {L::Airflow2, "dags_needing_dagruns", 1}},
        {"start_queued_dagruns", {L::Airflow2, "next_dagruns_to_examine", 1}},
        {"next_dagruns_to_examine", {L::Airflow2, "next_dagruns_to_examine", 1}},
        {"update_state_changes", {L::Airflow2, "update_state_select_tis", 1}},
        {"schedule_tis", {L::Airflow2, "schedule_tis", 1}},
        {"pool_slots_lock", {L::Airflow2, "pool_slots_lock", 1}},
        {"pool_state_counts", {L::Airflow2, "pool_state_counts", 1}},
        {"scheduled_tis_for_update", {L::Airflow2, "scheduled_tis_for_update", 1}},
        {"bulk_queue_tis", {L::Airflow2, "bulk_queue_tis", 1}},
        {"executor_events", {L::Airflow2, "executor_events", 1}},
        {"scheduler_heartbeat", {L::Airflow110, "scheduler_heartbeat", 1}},
        // A state-filtered scan of task_instance, like the pool counts, three statements.
        {"adopt_or_reset_orphans", {L::Airflow2, "pool_state_counts", 3}},
        {"worker_start", {L::Airflow110, "ti_merge_scheduled", 5}},
        {"worker_finish", {L::Airflow110, "ti_merge_scheduled", 4}},
        {"worker_heartbeat", {L::Airflow110, "scheduler_heartbeat", 4}},
        {"mini_scheduler", {L::Airflow2, "mini_scheduler", 1}},
        {"archive_delete", {L::Airflow110, "archive_delete_tis", 1}},
        // A single-row read and a single-row UPDATE by key: costed as two of the merge's UPDATE.
        {"mock_executor_set_state", {L::Airflow110, "ti_merge_scheduled", 2}},
        // A row of a small table read by its unique key, as the dag row's read.
        {"variable_get", {L::Airflow110, "sync_dag", 1}},
        {"connection_get", {L::Airflow110, "sync_dag", 1}},
        // Execution API routes: single-row reads and writes by key, as the worker's statements.
        {"api_ti_run", {L::Airflow110, "ti_merge_scheduled", 6}},
        {"api_ti_state", {L::Airflow110, "ti_merge_scheduled", 4}},
        {"api_ti_heartbeat", {L::Airflow110, "ti_merge_scheduled", 2}},
        {"api_xcom_set", {L::Airflow110, "ti_merge_scheduled", 3}},
        // Single-row reads and writes of the dag table and its neighbours, as sync_dag's.
        {"dag_processor_parse", {L::Airflow110, "sync_dag", 5}},
        // KEDA's count of running and queued task instances: the state index, as the pools' counts.
        {"keda_count", {L::Airflow2, "pool_state_counts", 1}},
    };
    all.insert(deferralAndAssetSources().begin(), deferralAndAssetSources().end());
    return all;
  }();
  return m;
}

// Which 3.1 shape costs each type an airflow3 run sends (the calibration's "airflow3" section):
// its scheduler's, its Execution API routes' and its DAG processor's statements on the 3.1 schema.
const std::map<std::string, Source>& airflow3Sources() {
  using L = SchemaLayout;
  static const std::map<std::string, Source> m = [] {
    std::map<std::string, Source> all = {
        {"dags_needing_dagruns", {L::Airflow3, "dags_needing_dagruns", 1}},
        {"start_queued_dagruns", {L::Airflow3, "queued_dagruns_to_start", 1}},
        {"next_dagruns_to_examine", {L::Airflow3, "next_dagruns_to_examine", 1}},
        {"update_state_select_tis", {L::Airflow3, "update_state_select_tis", 1}},
        {"update_state_changes", {L::Airflow3, "update_state_select_tis", 1}},
        {"verify_integrity", {L::Airflow3, "update_state_select_tis", 1}},
        {"schedule_tis", {L::Airflow3, "schedule_tis", 1}},
        {"pool_slots_lock", {L::Airflow3, "pool_slots_lock", 1}},
        {"pool_state_counts", {L::Airflow3, "pool_state_counts", 1}},
        {"scheduled_tis_for_update", {L::Airflow3, "scheduled_tis_for_update", 1}},
        {"bulk_queue_tis", {L::Airflow3, "bulk_queue_tis", 1}},
        {"executor_events", {L::Airflow3, "executor_events", 1}},
        {"scheduler_heartbeat", {L::Airflow3, "scheduler_heartbeat", 1}},
        {"adopt_or_reset_orphans", {L::Airflow3, "pool_state_counts", 3}},
        {"archive_delete", {L::Airflow3, "archive_delete_run", 1}},
        {"deadline_scan", {L::Airflow3, "deadline_scan", 1}},
        {"dagrun_create_versions", {L::Airflow3, "dagrun_create_versions", 1}},
        {"verify_dag_version", {L::Airflow3, "verify_dag_version", 1}},
        // Each route's statements in one shape: already per request.
        {"api_ti_run", {L::Airflow3, "api_ti_run", 1}},
        {"api_ti_state", {L::Airflow3, "api_ti_state", 1}},
        {"api_ti_retry", {L::Airflow3, "api_ti_retry", 1}},
        {"api_ti_heartbeat", {L::Airflow3, "api_ti_heartbeat", 1}},
        {"api_xcom_set", {L::Airflow3, "api_xcom_set", 1}},
        {"variable_get", {L::Airflow3, "api_variable_get", 1}},
        {"connection_get", {L::Airflow3, "api_connection_get", 1}},
        {"dag_processor_parse", {L::Airflow3, "dag_processor_parse", 1}},
    };
    all.insert(deferralAndAssetSources().begin(), deferralAndAssetSources().end());
    return all;
  }();
  return m;
}

const QueryShape* findShape(SchemaLayout layout, const std::string& name) {
  for (const QueryShape& s : queryShapes(layout))
    if (s.name == name) return &s;
  return nullptr;
}

// Round trips one execution of a shape costs: its statements, plus BEGIN and COMMIT/ROLLBACK.
int roundTrips(const QueryShape& s) {
  int n = 0;
  for (const auto& st : s.statements) n += st.times;
  return n + (s.transaction == QueryShape::Transaction::None ? 0 : 2);
}

double at(const std::map<std::string, double>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) throw std::runtime_error("calibration: nothing measured for " + key);
  return it->second;
}

// f.fixed + f.perDecade * x through the points by least squares, neither below 0 (the best such
// line: one whose fixed part would be negative goes through 0 instead); with a cost per row
// returned (`perRow`), the `rows` the points were measured at are taken off the fixed part.
void fitLine(const std::vector<double>& x, const std::vector<double>& y, double perRow, ShapeFit& f, int rows = 40) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  f.perDecade = sxx > 0 ? std::max(0.0, sxy / sxx) : 0.0;
  f.fixed = my - f.perDecade * mx - rows * perRow;
  if (f.fixed < 0) {
    // Costs that grow faster than the decades (a table outgrowing the server's buffers): the
    // steepest line through 0 would overstate the small sizes twice over.
    double sxy0 = 0, sxx0 = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      sxy0 += x[i] * (y[i] - rows * perRow);
      sxx0 += x[i] * x[i];
    }
    f.perDecade = sxx0 > 0 ? std::max(0.0, sxy0 / sxx0) : 0.0;
    f.fixed = 0;
  }
  f.perRowReturned = perRow;
}

// Fits one quantity (DB seconds or pages) for every shape a catalog type uses.
std::map<std::string, ShapeFit> fitAll(const CalibrationMeasurements& m,
                                       const std::function<double(SchemaLayout, long long, const QueryShape&)>& value) {
  std::map<std::string, ShapeFit> fits;
  for (SchemaLayout layout : kSchemaLayouts) {
    // A layout not measured (a calibration from before the 3.1 layout) is left out.
    if (!m.tableRows.count(measurementKey(layout, m.sizes.front(), "task_instance"))) continue;
    for (const QueryShape& shape : queryShapes(layout)) {
      if (shape.name == "select_1" || shape.table.empty()) continue;
      // Per row returned: the shape against its twin of 10 rows (a run's 40 task instances
      // against 10 of them).
      const QueryShape* ten = findShape(layout, shape.name + "_10");
      double perRow = 0;
      if (ten && shape.rows > ten->rows) {
        for (long long size : m.sizes)
          perRow += std::max(0.0, (value(layout, size, shape) - value(layout, size, *ten)) / (shape.rows - ten->rows));
        perRow /= static_cast<double>(m.sizes.size());
      }
      ShapeFit f;
      f.key = std::string(layoutName(layout)) + "/" + shape.name;
      std::vector<double> x, y;
      for (long long size : m.sizes) {
        x.push_back(std::log10(1 + at(m.tableRows, measurementKey(layout, size, shape.table))));
        y.push_back(value(layout, size, shape));
      }
      f.minDecades = *std::min_element(x.begin(), x.end());
      std::vector<double> pred(y.size());
      if (shape.costPerRow) {
        // A DELETE's cost per row deleted (index maintenance included), averaged over the sizes.
        for (double v : y) f.perRowScanned += v / shape.rows / static_cast<double>(y.size());
        std::fill(pred.begin(), pred.end(), f.perRowScanned * shape.rows);
      } else if (shape.costPerRowReturned) {
        // Its cost per row returned, averaged over the sizes (as a DELETE's per row deleted).
        for (double v : y) f.perRowReturned += v / shape.rows / static_cast<double>(y.size());
        std::fill(pred.begin(), pred.end(), f.perRowReturned * shape.rows);
      } else if (shape.costPerTableRow) {
        // fixed + per row of the table (its rows, not their decades) + per row returned.
        std::vector<double> rows(x.size()), rest(y.size());
        for (size_t i = 0; i < x.size(); ++i) {
          rows[i] = std::pow(10.0, x[i]) - 1;
          rest[i] = y[i] - shape.rows * perRow;
        }
        ShapeFit line;
        fitLine(rows, rest, 0.0, line, 0);
        f.fixed = line.fixed;
        f.perRowScanned = line.perDecade;
        f.perRowReturned = perRow;
        for (size_t i = 0; i < x.size(); ++i)
          pred[i] = f.fixed + f.perRowScanned * rows[i] + shape.rows * f.perRowReturned;
      } else {
        fitLine(x, y, perRow, f, shape.rows);
        for (size_t i = 0; i < x.size(); ++i) pred[i] = f.fixed + f.perDecade * x[i] + shape.rows * f.perRowReturned;
      }
      for (size_t i = 0; i < y.size(); ++i) f.errorPct.push_back(y[i] > 0 ? std::fabs(pred[i] - y[i]) / y[i] * 100 : 0);
      fits[f.key] = f;
    }
  }
  return fits;
}

// A unit below one is taken as its inverse, a whole number: a count of units divided by it is the
// double nearest the decimal, which the file shows as written (190.381e-6, where multiplying the
// count by 1e-9 left 0.00019038100000000002).
double round_to(double v, double unit) {
  if (unit < 1) {
    const double per = std::round(1 / unit);
    return std::round(v * per) / per;
  }
  return std::round(v / unit) * unit;
}

// The contention check: the 1.10 per-task mix at several clients, measured against predicted.
void describeContention(nlohmann::json& provenance, const CalibrationMeasurements& m) {
  nlohmann::json contention = nlohmann::json::array();
  for (const ContentionResult& c : m.contention)
    contention.push_back(
        {{"clients", c.clients},
         {"measured_ms", round_to(c.measuredSeconds * 1e3, 1e-4)},
         {"predicted_ms", round_to(c.predictedSeconds * 1e3, 1e-4)},
         {"error_pct",
          c.measuredSeconds > 0 ? round_to((c.predictedSeconds / c.measuredSeconds - 1) * 100, 0.1) : 0.0}});
  provenance["contention_check"] = {
      {"task_instances", m.contentionSize},
      {"db_cores", m.dbCores},
      {"mix", "1.10 per-task pass: 2 TriggerRuleDep, current state, run TI SELECT, merge"},
      {"runs", contention}};
}

// A catalog type's DB time from its own statements' measured CPU (the 1.10 layout, every size),
// fitted as the shapes are: fixed + per_decade * log10(1 + rows of its table); when the type's
// cost grows with the rows it returns (`perRow`, from its shape, per query), its measured 40 rows
// are taken off the fixed part. False when not measured at every size.
bool fitType(const CalibrationMeasurements& m, const QueryInfo& info, double perRow, ShapeFit& f) {
  std::vector<double> x, y;
  for (long long size : m.sizes) {
    auto cpu = m.serverCpu.find(measurementKey(SchemaLayout::Airflow110, size, "type:" + std::string(info.name)));
    if (cpu == m.serverCpu.end()) return false;
    x.push_back(
        std::log10(1 + at(m.tableRows, measurementKey(SchemaLayout::Airflow110, size,
                                                      std::string(kTableNames[static_cast<size_t>(info.table)])))));
    y.push_back(cpu->second);
  }
  f.key = "airflow1.10/statements:" + std::string(info.name);
  fitLine(x, y, perRow, f);
  f.minDecades = *std::min_element(x.begin(), x.end());
  f.errorPct.clear();
  for (size_t i = 0; i < x.size(); ++i) {
    const double pred = f.fixed + f.perDecade * x[i] + 40 * perRow;
    f.errorPct.push_back(y[i] > 0 ? std::fabs(pred - y[i]) / y[i] * 100 : 0);
  }
  return true;
}

// Each catalog query type's cost and pages: its time from its own statements' measured CPU where
// measured, else from the fit of the shape it is measured as; its pages from that shape.
// A type's entry: its time and pages per query (a shape's fits times the statements it sends).
// Whether `shape` of `layout` measured `table`: the one the simulator counts its type's decades in.
bool measuresTable(SchemaLayout layout, const std::string& shape, Table table) {
  const QueryShape* s = findShape(layout, shape);
  return s && s->table == kTableNames[static_cast<size_t>(table)];
}

// `ownTable`: the shape measured the type's own table (measuresTable), whose decades the
// simulator clamps.
nlohmann::json costJson(const ShapeFit& t, const ShapeFit& p, double k, const std::string& measuredAs, int statements,
                        bool ownTable) {
  nlohmann::json out = {{"fixed_s", round_to(t.fixed * k, 1e-9)},
                        {"per_row_scanned_s", round_to(t.perRowScanned * k, 1e-12)},
                        {"per_row_returned_s", round_to(t.perRowReturned * k, 1e-12)},
                        {"per_decade_s", round_to(t.perDecade * k, 1e-9)},
                        {"measured_as", measuredAs},
                        {"statements", statements},
                        {"pages",
                         {{"fixed", round_to(p.fixed * k, 1e-3)},
                          {"per_row_scanned", round_to(p.perRowScanned * k, 1e-4)},
                          {"per_row_returned", round_to(p.perRowReturned * k, 1e-4)},
                          {"per_decade", round_to(p.perDecade * k, 1e-3)}}}};
  // Below the smallest size measured the line is not followed (LinearCost::minDecades): when the
  // sizes were those of the table the simulator counts the type's decades in.
  if (ownTable && t.minDecades > 0) out["min_decades"] = round_to(t.minDecades, 1e-4);
  return out;
}

// Per type measured after idling (serverCpuAfterIdle), how many times the probe statement's wake-up
// its own costs: its extra CPU after the probe's longest idle time over its paced cost, over the
// probe's extra there. The cache lines a woken backend reloads grow with the tables and indexes its
// statements touch (a task runner's start: job, task_instance and its seven indexes, dag_run, log).
nlohmann::json wakeFactors(const CalibrationMeasurements& m) {
  nlohmann::json out = nlohmann::json::object();
  const auto& probe = m.connections;
  if (probe.statementSeconds.size() < 2 || m.afterIdleSeconds != probe.idleSeconds.back()) return out;
  const double probeExtra = probe.statementSeconds.back() - probe.statementSeconds.front();
  if (probeExtra <= 0) return out;
  const std::string prefix = measurementKey(SchemaLayout::Airflow110, m.sizes.back(), "type:");
  for (const auto& [key, afterIdle] : m.serverCpuAfterIdle) {
    auto paced = m.serverCpu.find(key);
    if (key.rfind(prefix, 0) != 0 || paced == m.serverCpu.end()) continue;
    out[key.substr(prefix.size())] = round_to(std::max(0.0, afterIdle - paced->second) / probeExtra, 1e-3);
  }
  return out;
}

// What a new backend's first statements cost beyond their per-type (warm, paced) costs: the probed
// connections' work's backend CPU less the sum of its units' per-type costs. The tables' and
// indexes' caches it builds, the buffers it maps for the first time. < 0: not measured.
double coldStatementSeconds(const CalibrationMeasurements& m) {
  if (m.connectionWork.empty()) return -1;
  double warm = 0;
  for (const std::string& key : m.connectionWork) {
    auto it = m.serverCpu.find(key);
    if (it == m.serverCpu.end()) return -1;
    warm += it->second;
  }
  return std::max(0.0, m.connections.workSeconds - warm);
}

// What the server's own processes spent per query of a type (the median over the sizes: the WAL
// writer's flush of a commit does not grow with the tables), from the type's own statements where
// measured, else from `shape` (sent `k` times a query); < 0 when not measured.
double serverProcessesPerQuery(const CalibrationMeasurements& m, const QueryInfo& info, SchemaLayout layout,
                               const std::string& shape, double k) {
  std::vector<double> own, fromShape;
  for (long long size : m.sizes) {
    auto t = m.serverProcesses.find(measurementKey(SchemaLayout::Airflow110, size, "type:" + std::string(info.name)));
    if (t != m.serverProcesses.end()) own.push_back(t->second);
    auto s = m.serverProcesses.find(measurementKey(layout, size, shape));
    if (s != m.serverProcesses.end()) fromShape.push_back(s->second * k);
  }
  const std::vector<double>& v = own.empty() ? fromShape : own;
  return v.empty() ? -1 : median(v);
}

nlohmann::json queryCosts(const CalibrationMeasurements& m, const std::map<std::string, ShapeFit>& time,
                          const std::map<std::string, ShapeFit>& page, std::vector<ShapeFit>& typeFits) {
  nlohmann::json queries = nlohmann::json::object();
  for (const auto& info : kQueries) {
    if (info.airflow3Only) continue;  // in the "airflow3" section only
    const std::string name(info.name);
    auto src = catalogSources().find(name);
    if (src == catalogSources().end())
      throw std::runtime_error("calibration: no measured shape for query type " + name);
    const std::string key = std::string(layoutName(src->second.layout)) + "/" + src->second.shape;
    if (info.deferralOrAssets && !time.count(key)) continue;  // its layout not measured: a stand-in's cost
    const ShapeFit& shapeTime = time.at(key);
    const ShapeFit& p = page.at(key);
    const double k = src->second.statements;
    ShapeFit t = shapeTime, own;
    std::string measuredAs = key;
    if (fitType(m, info, shapeTime.perRowReturned * k, own)) {
      // Already per query: its statements measured together.
      typeFits.push_back(own);
      t = own;
      t.fixed /= k;
      t.perDecade /= k;
      t.perRowReturned /= k;
      t.perRowScanned = 0;
      measuredAs = own.key;
    }
    queries[name] = costJson(t, p, k, measuredAs, src->second.statements,
                             measuresTable(src->second.layout, src->second.shape, info.table));
    if (const double own = serverProcessesPerQuery(m, info, src->second.layout, src->second.shape, k); own >= 0)
      queries[name]["server_processes_s"] = round_to(own, 1e-9);
  }
  return queries;
}

// Bytes per row of each table, indexes included, at the largest history measured on the 3.1
// layout; a DAG's row carries its versions' (dag_version, serialized_dag, dag_code).
nlohmann::json airflow3BytesPerRow(const CalibrationMeasurements& m) {
  const long long big = m.sizes.back();
  auto key = [&](const char* table) { return measurementKey(SchemaLayout::Airflow3, big, table); };
  nlohmann::json bytes = nlohmann::json::object();
  for (const char* table :
       {"task_instance", "task_instance_history", "dag_run", "job", "slot_pool", "xcom", "log", "task_reschedule"})
    bytes[table] = std::round(at(m.tableBytes, key(table)) / std::max(1.0, at(m.tableRows, key(table))));
  double perDag = 0;
  for (const char* table : {"dag", "dag_version", "serialized_dag", "dag_code"}) perDag += at(m.tableBytes, key(table));
  bytes["dag"] = std::round(perDag / std::max(1.0, at(m.tableRows, key("dag"))));
  return bytes;
}

// The "airflow3" section: every type an airflow3 run sends that the 3.1 schema's shapes measure.
nlohmann::json airflow3Section(const CalibrationMeasurements& m, const std::map<std::string, ShapeFit>& time,
                               const std::map<std::string, ShapeFit>& page) {
  nlohmann::json queries = nlohmann::json::object();
  for (const auto& [name, src] : airflow3Sources()) {
    const std::string key = std::string(layoutName(src.layout)) + "/" + src.shape;
    const auto type = queryTypeNamed(name);
    const int statements = type ? queryInfo(*type).statements : src.statements;
    queries[name] = costJson(time.at(key), page.at(key), src.statements, key, statements,
                             type && measuresTable(src.layout, src.shape, queryInfo(*type).table));
    if (type) {
      const double own = serverProcessesPerQuery(m, queryInfo(*type), src.layout, src.shape, src.statements);
      if (own >= 0) queries[name]["server_processes_s"] = round_to(own, 1e-9);
    }
  }
  // The examine query's cost is per task instance it loads; with none (no run to examine) the
  // locked page of runs still costs what the same SELECT without the join does.
  const std::string page3 = std::string(layoutName(SchemaLayout::Airflow3)) + "/queued_dagruns_to_start";
  nlohmann::json& examine = queries["next_dagruns_to_examine"];
  examine["fixed_s"] = round_to(time.at(page3).fixed, 1e-9);
  examine["per_decade_s"] = round_to(time.at(page3).perDecade, 1e-9);
  examine["measured_as"] = examine["measured_as"].get<std::string>() + " + " + page3;
  return {{"measured",
           {{"schema", "Airflow 3.1.0 (bench/pg/airflow-3.1-schema.sql; alembic_version cc92b33c6709)"},
            {"how", "the shapes of sim/pg/QueryShapes.cpp on the airflow3.1 layout, fitted as the others"}}},
          {"queries", queries},
          {"bytes_per_row", airflow3BytesPerRow(m)}};
}

// Bytes per row of each table, indexes included, at the largest history measured.
nlohmann::json bytesPerRow(const CalibrationMeasurements& m) {
  const long long big = m.sizes.back();
  nlohmann::json bytes = nlohmann::json::object();
  for (const char* table : {"task_instance", "dag_run", "job", "dag", "slot_pool", "xcom", "log"}) {
    const std::string key = measurementKey(SchemaLayout::Airflow110, big, table);
    double rows = std::max(1.0, at(m.tableRows, key));
    bytes[table] = std::round(at(m.tableBytes, key) / rows);
  }
  return bytes;
}

// What was measured, how, and how well the fits and the harness hold.
void describeMeasurements(nlohmann::json& provenance, const CalibrationMeasurements& m,
                          const std::map<std::string, ShapeFit>& time, const std::map<std::string, ShapeFit>& page) {
  nlohmann::json latencyMs = nlohmann::json::object(), pagesJson = nlohmann::json::object();
  for (const auto& [k, v] : m.latency) latencyMs[k] = round_to(v * 1e3, 1e-4);
  for (const auto& [k, v] : m.pages) pagesJson[k] = v;
  nlohmann::json timeErr = nlohmann::json::object(), pageErr = nlohmann::json::object();
  auto errors = [](const std::vector<double>& e) {
    nlohmann::json a = nlohmann::json::array();
    for (double v : e) a.push_back(round_to(v, 0.1));
    return a;
  };
  for (const auto& [k, f] : time) timeErr[k] = errors(f.errorPct);
  for (const auto& [k, f] : page) pageErr[k] = errors(f.errorPct);

  provenance["status"] = "live";
  provenance["postgres"] = m.server;
  provenance["schema"] = "Airflow 1.10.12 and 2.5.2 (bench/pg/airflow-*-schema.sql)";
  provenance["sizes_task_instances"] = m.sizes;
  const std::string dbTime =
      m.serverCpu.empty()
          ? "DB time = latency minus the shape's round trips at SELECT 1's latency, plus EXPLAIN's planning time of "
            "the "
            "same SQL with literal arguments (psycopg2 never prepares, so Airflow plans every statement; the server's "
            "CPU was not read: --db-time latency, or its processes were not on this machine)"
          : "DB time = the backend's CPU time (/proc/PID/schedstat) per execution of the shape's SQL sent as psycopg2 "
            "sends Airflow's (literal arguments, parsed and planned every time, in the shape's transaction), the DAGs "
            "in turn; server_cpu_us splits it into pg_stat_statements' execution and planning and the rest (protocol, "
            "parsing, transaction, statement start and end), and (throwaway server) server_processes is what the "
            "server's own processes (WAL writer, background writer, ...) spent per execution meanwhile: "
            "queries.<type>.server_processes_s, their median over the sizes, from the type's own statements where "
            "measured";
  provenance["how"] =
      "Google Benchmark, one client, prepared statements (libpqxx), median of interleaved rounds, for latency; " +
      dbTime +
      "; fixed + per_decade*log10(table "
      "rows) fitted per shape over the sizes; pages = EXPLAIN "
      "(ANALYZE, BUFFERS) shared hit + read on the freshly loaded tables, median of 5 DAGs, fitted the same way; "
      "page_read_s = I/O read time / pages read of 2,000 random index lookups after a restart with the OS page cache "
      "dropped (track_io_timing), median of 3";
  provenance["latency_ms"] = latencyMs;
  provenance["pages"] = pagesJson;
  nlohmann::json planningMs = nlohmann::json::object();
  for (const auto& [k, v] : m.planning) planningMs[k] = round_to(v * 1e3, 1e-4);
  provenance["planning_ms"] = planningMs;
  if (!m.serverCpu.empty()) {
    nlohmann::json server = nlohmann::json::object(), roundTrip = nlohmann::json::object();
    for (const auto& [k, cpu] : m.serverCpu) {
      const double exec = m.serverExec.at(k), plan = m.serverPlan.at(k);
      server[k] = {{"cpu", round_to(cpu * 1e6, 0.1)},
                   {"execution", round_to(exec * 1e6, 0.1)},
                   {"planning", round_to(plan * 1e6, 0.1)},
                   {"other", round_to(std::max(0.0, cpu - exec - plan) * 1e6, 0.1)}};
      // The server's own processes meanwhile (queries.<type>.server_processes_s: their median).
      if (auto own = m.serverProcesses.find(k); own != m.serverProcesses.end())
        server[k]["server_processes"] = round_to(own->second * 1e6, 0.1);
      // A round trip's time outside the server: SELECT 1's latency less its backend CPU.
      const std::string suffix = "/select_1";
      if (k.size() > suffix.size() && k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0) {
        auto lat = m.latency.find(k);
        if (lat != m.latency.end()) roundTrip[k] = round_to(std::max(0.0, lat->second - cpu) * 1e3, 1e-4);
      }
    }
    provenance["server_cpu_us"] = server;
    provenance["round_trip_outside_server_ms"] = roundTrip;
  }
  if (!m.taskInstanceUpdates.empty()) {
    nlohmann::json updates = nlohmann::json::object();
    for (const auto& [where, u] : m.taskInstanceUpdates)
      updates[where] = {{"updates", u.updates}, {"hot_updates", u.heapOnly}};
    provenance["task_instance_updates"] = updates;
  }
  if (!m.serverCpuAfterIdle.empty()) {
    nlohmann::json afterIdle = nlohmann::json::object();
    for (const auto& [k, cpu] : m.serverCpuAfterIdle) afterIdle[k] = round_to(cpu * 1e6, 0.1);
    provenance["server_cpu_after_idle_us"] = {{"idle_s", m.afterIdleSeconds}, {"cpu", afterIdle}};
  }
  if (m.speedProbeStart > 0 && m.speedProbeEnd > 0)
    provenance["speed_probe"] = {
        {"statement", kSpeedProbeStatement},
        {"pace_s", SpeedProbePlan{}.pace},
        {"cpu_s", round_to((m.speedProbeStart + m.speedProbeEnd) / 2, 1e-9)},
        {"at_start_s", round_to(m.speedProbeStart, 1e-9)},
        {"at_end_s", round_to(m.speedProbeEnd, 1e-9)},
        {"how",
         "the backend's CPU per statement, one connection, each statement followed by the pace, 1 s at the "
         "calibration's start and at its end; cpu_s their mean. `schedlab live` measures the same around its run: "
         "this over the live run's is the server's speed there against the calibration's (metadb.core_speed)"}};
  if (const double during = m.speedProbeDuring.since({}); during > 0 && provenance.contains("speed_probe")) {
    // Sent all through the per-type measurements at a pace of its own: `schedlab live` sends it so
    // all through its run (speed_probe_cpu_s.during), the two compare with each other only.
    provenance["speed_probe"]["during_s"] = round_to(during, 1e-9);
    provenance["speed_probe"]["during_pace_s"] = kSpeedProbeThreadPace;
    provenance["speed_probe"]["during_statements"] = m.speedProbeDuring.statements;
  }
  if (const double bursts = m.speedProbeBursts.since({}); bursts > 0 && provenance.contains("speed_probe")) {
    // In bursts at the per-type costs' pace all through their measurements: `schedlab live` sends
    // the same all through its run (speed_probe_cpu_s.bursts), the two compare.
    const SpeedProbeBursts b;
    provenance["speed_probe"]["bursts_s"] = round_to(bursts, 1e-9);
    provenance["speed_probe"]["bursts_statements"] = m.speedProbeBursts.statements;
    provenance["speed_probe"]["bursts"] = {{"statement", kSpeedProbeBurstStatement},
                                           {"pace_s", b.pace},
                                           {"statements", b.statements},
                                           {"uncounted", b.uncounted},
                                           {"every_s", b.every}};
    // Where the speed moved within the window: the bursts' ~8 s parts apart.
    if (const double spread = speedSpread(m.speedProbeBurstSeconds, kSpreadStatements); spread > 0)
      provenance["speed_probe"]["bursts_spread"] = round_to(spread, 1e-3);
  }
  provenance["fit_error_pct"] = timeErr;
  provenance["pages_fit_error_pct"] = pageErr;
  nlohmann::json cold = nlohmann::json::array();
  for (double c : m.coldPageRead) cold.push_back(round_to(c * 1e3, 1e-4));
  provenance["cold_page_read_ms"] = cold;
  provenance["harness_check"] = {
      {"statement", "SELECT 1 (prepared, one client)"},
      {"pgbench_tps", round_to(m.pgbenchTps, 0.1)},
      {"harness_tps", round_to(m.harnessTps, 0.1)},
      {"difference_pct", m.pgbenchTps > 0 ? round_to((m.harnessTps / m.pgbenchTps - 1) * 100, 0.1) : 0.0}};
  describeContention(provenance, m);
}

}  // namespace

nlohmann::json clientCostsJson(const nlohmann::json& measured) {
  nlohmann::json queries = nlohmann::json::object();
  const nlohmann::json& types = measured.at("types");
  for (const QueryInfo& info : kQueries) {
    if (!info.schedulerSide) continue;
    const std::string name(info.name);
    // Deferral's and assets': measured since they were (an older measurement's are stand-ins).
    if (info.deferralOrAssets && !types.contains(name)) continue;
    if (!types.contains(name)) throw std::runtime_error("calibration: the client-cost measurement has no " + name);
    const nlohmann::json& t = types.at(name);
    queries[name] = {{"fixed_s", t.at("fixed_s")},
                     {"per_row_s", t.at("per_row_s")},
                     {"per_row_of", t.at("per_row_of")},
                     {"measured_as", "sqlalchemy/" + t.at("operation").get<std::string>()}};
  }
  return {{"libraries",
           {{"sqlalchemy", measured.at("sqlalchemy")},
            {"psycopg2", measured.at("psycopg2")},
            {"python", measured.at("python")}}},
          {"method", measured.at("method")},
          {"repeat", measured.at("repeat")},
          {"queries", queries}};
}

CalibrationFitResult fitCalibration(const CalibrationMeasurements& m, nlohmann::json provenance) {
  // DB time as Airflow pays it: execution (the prepared benchmark minus its round trips) plus
  // parsing and planning, which psycopg2's literal SQL costs on every statement.
  auto dbSeconds = [&](SchemaLayout layout, long long size, const QueryShape& s) {
    const std::string key = measurementKey(layout, size, s.name);
    // Measured: the backend's own CPU for the statement as Airflow sends it, all of it.
    if (auto cpu = m.serverCpu.find(key); cpu != m.serverCpu.end()) return cpu->second;
    double select1 = at(m.latency, measurementKey(layout, size, "select_1"));
    auto plan = m.planning.find(key);
    return std::max(0.0, at(m.latency, key) - roundTrips(s) * select1) +
           (plan == m.planning.end() ? 0.0 : plan->second);
  };
  auto pages = [&](SchemaLayout layout, long long size, const QueryShape& s) {
    return at(m.pages, measurementKey(layout, size, s.name));
  };
  auto time = fitAll(m, dbSeconds);
  auto page = fitAll(m, pages);
  describeMeasurements(provenance, m, time, page);
  CalibrationFitResult out;
  std::vector<ShapeFit> typeFits;
  nlohmann::json queries = queryCosts(m, time, page, typeFits);
  out.calibration = {
      {"schedlab_calibration", 1}, {"measured", provenance}, {"queries", queries}, {"bytes_per_row", bytesPerRow(m)}};
  if (m.tableRows.count(measurementKey(SchemaLayout::Airflow3, m.sizes.back(), "task_instance")))
    out.calibration["airflow3"] = airflow3Section(m, time, page);
  if (m.clientCost.is_object()) out.calibration["client_costs"] = clientCostsJson(m.clientCost);
  if (m.apiRequestCost.is_object()) out.calibration["api_server"] = m.apiRequestCost;
  if (m.connections.setupSeconds >= 0) {
    nlohmann::json idle = nlohmann::json::array(), cpu = nlohmann::json::array();
    for (size_t i = 0; i < m.connections.idleSeconds.size(); ++i) {
      idle.push_back(m.connections.idleSeconds[i]);
      cpu.push_back(round_to(m.connections.statementSeconds[i], 1e-9));
    }
    nlohmann::json& c = out.calibration["connections"] = {
        {"setup_s", round_to(m.connections.setupSeconds, 1e-6)},
        {"setup_beside", {{"clients", m.connections.busyClients}, {"pace_s", m.connections.busyPace}}},
        {"idle_s", idle},
        {"statement_cpu_s", cpu},
        {"method",
         "setup_s: per connection opened, sent a task runner's first statements (or SELECT 1 where no work is "
         "named) and closed, the postmaster's and its ended backends' CPU less the backend's while it did the "
         "work, beside setup_beside.clients connections each reading a task instance by its key after a pause "
         "of setup_beside.pace_s (as a live run's statements run beside its starts); start_s: of setup_s, what the "
         "client waits for (the backend's CPU up to its first answer, the postmaster's while it forked it), the "
         "rest being the backend's end at the close; start_backend_s: of start_s, the backend's own; "
         "cold_statements_s: that work's "
         "backend CPU on the new backend less the per-type costs of its "
         "units (first_work); statement_cpu_s: a task instance's state by its key, the backends' CPU per statement "
         "when each connection sends one every idle_s (the first: the pace the per-type costs were measured at); "
         "wake_factor: per type sent after idling, its statements' extra CPU sent after the last idle_s over the "
         "probe statement's there"}};
    if (m.connections.startSeconds >= 0) c["start_s"] = round_to(m.connections.startSeconds, 1e-6);
    if (m.connections.startBackendSeconds >= 0)
      c["start_backend_s"] = round_to(m.connections.startBackendSeconds, 1e-6);
    if (const double cold = coldStatementSeconds(m); cold >= 0) {
      c["cold_statements_s"] = round_to(cold, 1e-6);
      c["first_work"] = {{"units", m.connectionWork},
                         {"backend_cpu_s", round_to(m.connections.workSeconds, 1e-6)},
                         {"at_per_type_costs_s", round_to(m.connections.workSeconds - cold, 1e-6)}};
    }
    const nlohmann::json factors = wakeFactors(m);
    if (!factors.empty()) out.calibration["connections"]["wake_factor"] = factors;
  }
  if (!m.coldPageRead.empty()) {
    std::vector<double> c = m.coldPageRead;
    std::sort(c.begin(), c.end());
    out.calibration["storage"] = {{"page_read_s", round_to(c[c.size() / 2], 1e-9)}};
  }
  for (auto& [k, f] : time) out.time.push_back(f);
  out.types = typeFits;
  for (auto& [k, f] : page) out.pages.push_back(f);
  return out;
}

}  // namespace schedlab
