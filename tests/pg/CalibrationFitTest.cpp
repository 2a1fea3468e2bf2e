// The fit turns measurements into a calibration the simulator loads: known coefficients come back
// out of synthetic measurements, every catalog query type is costed, provenance is recorded.
#include <gtest/gtest.h>

#include <cmath>

#include "model/QueryCostModel.h"
#include "pg/CalibrationFit.h"
#include "pg/QueryShapes.h"

using namespace schedlab;

namespace {

// Measurements of a made-up server: SELECT 1 takes 20 us; every other shape's DB time is
// 50 us + 10 us per decade of its table's rows, plus 2 us per row returned for the run SELECTs,
// plus 3 us per row deleted for the archiving DELETEs, 1 us per row for 3.1's examined runs with
// their task instances; the asset queue's SELECTs 2 us per row returned; the asset events' SELECTs
// 50 us + 1 ns per row of their table (as many as the task instances) + 2 us per event returned;
// pages 4 + 1 per decade.
CalibrationMeasurements synthetic() {
  CalibrationMeasurements m;
  m.sizes = {10000, 100000, 1000000};
  m.server = "15.99 (test)";
  m.pgbenchTps = 40000;
  m.harnessTps = 41000;
  m.coldPageRead = {1e-4, 2e-4, 3e-4};
  const double rtt = 20e-6;
  for (SchemaLayout layout : kSchemaLayouts) {
    for (long long size : m.sizes) {
      for (const char* table : {"task_instance", "dag_run", "job", "dag", "slot_pool", "xcom", "log",
                                "task_instance_history", "task_reschedule", "dag_version", "serialized_dag", "dag_code",
                                "trigger", "asset_event", "asset_dag_run_queue"}) {
        m.tableRows[measurementKey(layout, size, table)] = static_cast<double>(size);
        m.tableBytes[measurementKey(layout, size, table)] = 400.0 * static_cast<double>(size);
      }
      const double decades = std::log10(1 + static_cast<double>(size));
      for (const QueryShape& s : queryShapes(layout)) {
        int trips = 0;
        for (const auto& st : s.statements) trips += st.times;
        if (s.transaction != QueryShape::Transaction::None) trips += 2;
        double db = 50e-6 + 10e-6 * decades;
        if (s.name.rfind("update_state_select_tis", 0) == 0 || s.name.rfind("adrq_select", 0) == 0) db += 2e-6 * s.rows;
        if (s.costPerTableRow) db = 50e-6 + 1e-9 * static_cast<double>(size) + 2e-6 * s.rows;
        if (s.costPerRow) db = 3e-6 * s.rows;
        if (s.costPerRowReturned) db = 1e-6 * s.rows;
        if (s.name == "select_1") db = 0;
        m.latency[measurementKey(layout, size, s.name)] = db + trips * rtt;
        m.pages[measurementKey(layout, size, s.name)] = 4 + decades;
      }
    }
  }
  return m;
}

}  // namespace

TEST(CalibrationFit, RecoversTheCoefficientsItWasGiven) {
  CalibrationFitResult fit = fitCalibration(synthetic(), {{"command", "test"}, {"date", "now"}, {"machine", "here"}});
  const auto& q = fit.calibration["queries"];
  EXPECT_NEAR(q["trigger_rule_dep"]["fixed_s"].get<double>(), 50e-6, 1e-9);
  EXPECT_NEAR(q["trigger_rule_dep"]["per_decade_s"].get<double>(), 10e-6, 1e-9);
  EXPECT_NEAR(q["update_state_select_tis"]["per_row_returned_s"].get<double>(), 2e-6, 1e-9);
  EXPECT_NEAR(q["update_state_select_tis"]["fixed_s"].get<double>(), 50e-6, 1e-9);
  EXPECT_NEAR(q["archive_delete"]["per_row_scanned_s"].get<double>(), 3e-6, 1e-9);
  EXPECT_NEAR(q["sync_dag"]["fixed_s"].get<double>(), 2 * 50e-6, 1e-9);  // two statements
  EXPECT_NEAR(q["trigger_rule_dep"]["pages"]["per_decade"].get<double>(), 1.0, 1e-3);
  // Below the smallest size measured (every table at 1e4 rows here) the line is not followed.
  EXPECT_NEAR(q["trigger_rule_dep"]["min_decades"].get<double>(), std::log10(1 + 1e4), 1e-4);
  EXPECT_NEAR(q["schedule_tis"]["min_decades"].get<double>(), std::log10(1 + 1e4), 1e-4);
  // Unless the shape measured another table than the one the simulator counts the type's in
  // (the asset queue's read, costed by the dag table's rows).
  EXPECT_FALSE(q["adrq_select"].contains("min_decades"));
  EXPECT_EQ(q["schedule_tis"]["measured_as"], "airflow2.5/schedule_tis");
  for (const ShapeFit& f : fit.time)
    for (double e : f.errorPct) EXPECT_LT(e, 0.5) << f.key;
  EXPECT_NEAR(fit.calibration["storage"]["page_read_s"].get<double>(), 2e-4, 1e-12);
  EXPECT_EQ(fit.calibration["bytes_per_row"]["task_instance"], 400);
  const auto& measured = fit.calibration["measured"];
  EXPECT_EQ(measured["status"], "live");
  EXPECT_EQ(measured["postgres"], "15.99 (test)");
  EXPECT_NEAR(measured["harness_check"]["difference_pct"].get<double>(), 2.5, 1e-9);
  // Airflow 3.1's types on its own schema: a route's statements are one shape, one request.
  const auto& a3 = fit.calibration["airflow3"];
  EXPECT_NEAR(a3["queries"]["api_ti_heartbeat"]["fixed_s"].get<double>(), 50e-6, 1e-9);
  EXPECT_EQ(a3["queries"]["api_ti_heartbeat"]["statements"], 2);
  EXPECT_EQ(a3["queries"]["api_ti_run"]["measured_as"], "airflow3.1/api_ti_run");
  EXPECT_NEAR(a3["queries"]["next_dagruns_to_examine"]["per_row_returned_s"].get<double>(), 1e-6, 1e-12);
  EXPECT_NEAR(a3["queries"]["next_dagruns_to_examine"]["fixed_s"].get<double>(), 50e-6, 1e-9);  // its page of runs
  EXPECT_NEAR(a3["queries"]["adopt_or_reset_orphans"]["fixed_s"].get<double>(), 3 * 50e-6, 1e-9);
  EXPECT_FALSE(q.contains("deadline_scan"));    // only airflow3 sends it
  EXPECT_EQ(a3["bytes_per_row"]["dag"], 1600);  // the dag row and its versions'
  EXPECT_EQ(a3["bytes_per_row"]["task_instance_history"], 400);
  // Deferral's and assets' statements, one shape each on the 3.1 layout, in both sections.
  EXPECT_NEAR(q["adrq_select"]["per_row_returned_s"].get<double>(), 2e-6, 1e-9);
  EXPECT_NEAR(q["adrq_select"]["fixed_s"].get<double>(), 50e-6, 1e-9);
  EXPECT_NEAR(q["asset_events_for_run"]["per_row_scanned_s"].get<double>(), 1e-9, 1e-12);
  EXPECT_NEAR(q["asset_events_for_run"]["per_row_returned_s"].get<double>(), 2e-6, 1e-9);
  EXPECT_NEAR(q["asset_events_for_run"]["fixed_s"].get<double>(), 50e-6, 1e-9);
  EXPECT_NEAR(q["asset_run_events_insert"]["per_row_scanned_s"].get<double>(), 3e-6, 1e-9);
  EXPECT_EQ(q["worker_defer"]["measured_as"], "airflow3.1/worker_defer");
  EXPECT_EQ(q["triggerer_heartbeat"]["measured_as"], "airflow3.1/scheduler_heartbeat");
  EXPECT_EQ(a3["queries"]["api_ti_defer"]["measured_as"], "airflow3.1/api_ti_defer");
  EXPECT_NEAR(a3["queries"]["trigger_event_submit"]["fixed_s"].get<double>(), 50e-6, 1e-9);
}

TEST(CalibrationFit, TheSimulatorLoadsWhatItWrites) {
  CalibrationFitResult fit = fitCalibration(synthetic(), {{"command", "test"}});
  QueryCostModel model = QueryCostModel::fromJson(fit.calibration, "fitted");
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    auto t = static_cast<QueryType>(i);
    EXPECT_GT(model.seconds(t, 40, 40, 1e6), 0) << kQueries[i].name;
    EXPECT_GT(model.pages(t, 40, 40, 1e6), 0) << kQueries[i].name;
  }
  EXPECT_NEAR(model.pageReadSeconds(), 2e-4, 1e-12);
  // An airflow3 run pays the 3.1 schema's costs; the others the 1.10 and 2.5 ones.
  const QueryCostModel a3 = model.airflow3();
  EXPECT_NEAR(a3.seconds(QueryType::ApiTiRun, 1, 1, 1e6), 50e-6 + 10e-6 * 6, 1e-8);
  EXPECT_NEAR(model.seconds(QueryType::ApiTiRun, 1, 1, 1e6), 6 * (50e-6 + 10e-6 * 6), 1e-8);  // as worker SQL
  EXPECT_NEAR(a3.seconds(QueryType::NextDagrunsToExamine, 20, 800, 1e6), 800e-6 + 50e-6 + 10e-6 * 6, 1e-8);
  EXPECT_EQ(a3.seconds(QueryType::DeadlineScan, 0, 0, 1e6), model.seconds(QueryType::DeadlineScan, 0, 0, 1e6));
  EXPECT_EQ(a3.bytesPerRow(Table::Dag), 1600);
  EXPECT_EQ(model.bytesPerRow(Table::Dag), 400);
}

TEST(CalibrationFit, WithoutThe31LayoutAirflow3TypesAreDerived) {
  CalibrationMeasurements m = synthetic();
  for (auto* table : {&m.latency, &m.pages, &m.tableRows, &m.tableBytes})
    std::erase_if(*table, [](const auto& kv) { return kv.first.rfind("airflow3.1/", 0) == 0; });
  CalibrationFitResult fit = fitCalibration(m, {{"command", "test"}});
  EXPECT_FALSE(fit.calibration.contains("airflow3"));
  QueryCostModel model = QueryCostModel::fromJson(fit.calibration, "fitted");
  // As get_paused_dags' one statement, per statement: three.
  EXPECT_NEAR(model.airflow3().seconds(QueryType::DagrunCreateVersions, 1, 1, 1e6),
              3 * model.seconds(QueryType::GetPausedDags, 1, 1, 1e6), 1e-12);
  // Deferral's and assets' too, in both sections.
  EXPECT_FALSE(fit.calibration["queries"].contains("worker_defer"));
  EXPECT_NEAR(model.seconds(QueryType::WorkerDefer, 1, 1, 1e6),
              5.0 / 4 * model.seconds(QueryType::WorkerFinish, 1, 1, 1e6), 1e-12);
  EXPECT_NEAR(model.airflow3().seconds(QueryType::AdrqSelect, 1, 1, 1e6),
              model.seconds(QueryType::GetPausedDags, 1, 1, 1e6), 1e-12);
}

TEST(CalibrationFit, SaysWhatIsMissing) {
  CalibrationMeasurements m = synthetic();
  m.latency.erase(measurementKey(SchemaLayout::Airflow2, 100000, "schedule_tis"));
  try {
    fitCalibration(m, {});
    FAIL() << "a missing measurement went unnoticed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("airflow2.5/tis:100000/schedule_tis"), std::string::npos) << e.what();
  }
}

TEST(CalibrationFit, PlanningTimeIsPartOfWhatAirflowPays) {
  CalibrationMeasurements m = synthetic();
  for (auto& [key, latency] : m.latency) m.planning[key] = 5e-6;  // psycopg2 never prepares
  CalibrationFitResult fit = fitCalibration(m, {});
  EXPECT_NEAR(fit.calibration["queries"]["trigger_rule_dep"]["fixed_s"].get<double>(), 55e-6, 1e-9);
  EXPECT_TRUE(fit.calibration["measured"]["planning_ms"].contains(
      measurementKey(SchemaLayout::Airflow110, 10000, "trigger_rule_dep")));
}

TEST(CalibrationFit, ATypeSentAfterIdlingWakesAsItsExtraCpuOverTheProbesTakes) {
  CalibrationMeasurements m = synthetic();
  const long long largest = m.sizes.back();
  m.connections.setupSeconds = 0.03;
  m.connections.idleSeconds = {0.001, 0.1, 1.0};
  m.connections.statementSeconds = {1e-4, 3e-4, 5e-4};  // the probe: 400 us more after 1 s
  m.afterIdleSeconds = 1.0;
  auto key = [&](const char* type) {
    return measurementKey(SchemaLayout::Airflow110, largest, std::string("type:") + type);
  };
  auto paced = [&](const char* type, double cpu) {  // with what pg_stat_statements saw of it
    m.serverCpu[key(type)] = cpu;
    m.serverExec[key(type)] = cpu / 2;
    m.serverPlan[key(type)] = cpu / 4;
  };
  paced("worker_start", 1e-3);
  m.serverCpuAfterIdle[key("worker_start")] = 2e-3;  // 1 ms more: 2.5 times the probe's 400 us
  paced("sync_dag", 3e-4);
  m.serverCpuAfterIdle[key("sync_dag")] = 2e-4;       // noise below its paced cost: no wake of its own
  m.serverCpuAfterIdle[key("worker_finish")] = 1e-3;  // no paced cost to compare with: left out
  CalibrationFitResult fit = fitCalibration(m, {{"command", "test"}});
  const auto& factors = fit.calibration["connections"]["wake_factor"];
  EXPECT_EQ(factors.size(), 2u);
  EXPECT_NEAR(factors["worker_start"].get<double>(), 2.5, 1e-9);
  EXPECT_EQ(factors["sync_dag"].get<double>(), 0);
  const ConnectionCost c = QueryCostModel::fromJson(fit.calibration, "fitted").connectionCost();
  EXPECT_NEAR(c.wakeFactor[static_cast<size_t>(QueryType::WorkerStart)], 2.5, 1e-9);
  EXPECT_EQ(c.wakeFactor[static_cast<size_t>(QueryType::WorkerFinish)], 1);
  // What was measured stays beside it, per type, in microseconds.
  const auto& measured = fit.calibration["measured"]["server_cpu_after_idle_us"];
  EXPECT_EQ(measured["idle_s"], 1.0);
  EXPECT_NEAR(measured["cpu"][key("worker_start")].get<double>(), 2000, 1e-6);
  // Measured after another idle time than the probe's longest: not comparable, not written.
  m.afterIdleSeconds = 0.1;
  EXPECT_FALSE(fitCalibration(m, {{"command", "test"}}).calibration["connections"].contains("wake_factor"));
}

TEST(CalibrationFit, ANewBackendsColdStatementsAreItsWorkLessItsUnitsPerTypeCosts) {
  CalibrationMeasurements m = synthetic();
  const long long largest = m.sizes.back();
  auto key = [&](const char* type) {
    return measurementKey(SchemaLayout::Airflow110, largest, std::string("type:") + type);
  };
  m.connections.setupSeconds = 0.025;
  m.connections.workSeconds = 0.009;  // a task runner's start, heartbeat and end on a new backend
  m.connections.idleSeconds = {0.001};
  m.connections.statementSeconds = {1e-4};
  m.connectionWork = {key("worker_start"), key("worker_heartbeat"), key("worker_finish")};
  auto paced = [&](const char* type, double cpu) {  // with what pg_stat_statements saw of it
    m.serverCpu[key(type)] = cpu;
    m.serverExec[key(type)] = cpu / 2;
    m.serverPlan[key(type)] = cpu / 4;
  };
  paced("worker_start", 8e-4);
  paced("worker_heartbeat", 4e-4);
  paced("worker_finish", 6e-4);
  // The start's share, what a client waits for, only where the probe measured it.
  EXPECT_FALSE(fitCalibration(m, {{"command", "test"}}).calibration["connections"].contains("start_s"));
  m.connections.startSeconds = 0.015;
  EXPECT_FALSE(fitCalibration(m, {{"command", "test"}}).calibration["connections"].contains("start_backend_s"));
  m.connections.startBackendSeconds = 0.013;
  const nlohmann::json c = fitCalibration(m, {{"command", "test"}}).calibration["connections"];
  EXPECT_NEAR(c["start_backend_s"].get<double>(), 0.013, 1e-9);
  EXPECT_NEAR(c["setup_s"].get<double>(), 0.025, 1e-9);
  EXPECT_NEAR(c["start_s"].get<double>(), 0.015, 1e-9);
  EXPECT_NEAR(c["cold_statements_s"].get<double>(), 0.009 - 0.0018, 1e-9);
  EXPECT_NEAR(c["first_work"]["at_per_type_costs_s"].get<double>(), 0.0018, 1e-9);
  EXPECT_EQ(c["first_work"]["units"].size(), 3u);
  const ConnectionCost cost =
      QueryCostModel::fromJson(fitCalibration(m, {{"command", "test"}}).calibration, "fitted").connectionCost();
  EXPECT_NEAR(cost.coldSeconds, 0.0072, 1e-9);
  // A unit without a per-type cost to take off: the cold part is not known, so not written.
  m.serverCpu.erase(key("worker_finish"));
  m.serverExec.erase(key("worker_finish"));
  m.serverPlan.erase(key("worker_finish"));
  EXPECT_FALSE(fitCalibration(m, {{"command", "test"}}).calibration["connections"].contains("cold_statements_s"));
  // Faster than its per-type costs (noise): no negative charge.
  paced("worker_finish", 0.01);
  EXPECT_EQ(fitCalibration(m, {{"command", "test"}}).calibration["connections"]["cold_statements_s"], 0);
}

TEST(CalibrationFit, TheServersOwnProcessesArePerQueryTheMedianOverTheSizes) {
  CalibrationMeasurements m = synthetic();
  // worker_finish measured with its own statements at each size: 70, 90 and 60 us of the WAL
  // writer's per query; the heartbeat only as its shape (one statement a query): 20 and 30 us.
  const double own[] = {70e-6, 90e-6, 60e-6};
  for (size_t i = 0; i < m.sizes.size(); ++i) {
    const std::string type = measurementKey(SchemaLayout::Airflow110, m.sizes[i], "type:worker_finish");
    m.serverCpu[type] = 6e-4;
    m.serverExec[type] = 3e-4;
    m.serverPlan[type] = 1e-4;
    m.serverProcesses[type] = own[i];
  }
  m.serverProcesses[measurementKey(SchemaLayout::Airflow110, m.sizes[0], "scheduler_heartbeat")] = 20e-6;
  m.serverProcesses[measurementKey(SchemaLayout::Airflow110, m.sizes[1], "scheduler_heartbeat")] = 30e-6;
  const nlohmann::json calibration = fitCalibration(m, {{"command", "test"}}).calibration;
  const nlohmann::json& q = calibration["queries"];
  EXPECT_NEAR(q["worker_finish"]["server_processes_s"].get<double>(), 70e-6, 1e-12);
  EXPECT_NEAR(q["scheduler_heartbeat"]["server_processes_s"].get<double>(), 25e-6, 1e-12);
  EXPECT_FALSE(q["ti_current_state"].contains("server_processes_s"));  // not measured: none written
  const QueryCostModel model = QueryCostModel::fromJson(calibration, "fitted");
  EXPECT_NEAR(model.cost(QueryType::WorkerFinish).serverProcesses, 70e-6, 1e-12);
  EXPECT_EQ(model.cost(QueryType::TiCurrentState).serverProcesses, 0);
}
