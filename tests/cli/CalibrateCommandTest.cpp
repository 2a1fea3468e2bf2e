// `schedlab calibrate` end to end on its own throwaway PostgreSQL (tiny sizes, short runs), and
// `schedlab run --calibration` on what it wrote; bad input exits 2 and writes nothing.
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "model/QueryCostModel.h"
#include "pg/ThrowawayPostgres.h"
#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;

TEST(CalibrateCommand, MeasuresFitsAndTheSimulatorRunsOnIt) {
  auto dir = tempDir();
  auto r = runCli("calibrate --quick --sizes 4000,8000 --min-time 0.01 --out " + (dir / "cal.json").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("airflow1.10/trigger_rule_dep"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("harness check, prepared SELECT 1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("page read from disk: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("contention, 4 clients at "), std::string::npos) << r.output;
  QueryCostModel model = QueryCostModel::fromFile((dir / "cal.json").string());
  EXPECT_EQ(model.provenance()["status"], "live");
  const auto& contention = model.provenance()["contention_check"]["runs"];
  ASSERT_EQ(contention.size(), 3u);  // 1 client sets the level, then 2 and 4
  EXPECT_EQ(contention[0]["clients"], 1);
  EXPECT_NEAR(contention[0]["predicted_ms"].get<double>(), contention[0]["measured_ms"].get<double>(), 1e-3);
  EXPECT_GT(contention[2]["measured_ms"].get<double>(), 0);
  EXPECT_GT(contention[2]["predicted_ms"].get<double>(), contention[0]["predicted_ms"].get<double>());
  EXPECT_GT(model.pages(QueryType::UpdateStateSelectTis, 40, 40, 8000), 1);
  auto bench = nlohmann::json::parse(readFile(dir / "cal.json.bench.json"));
  ASSERT_TRUE(bench.contains("benchmarks"));
  EXPECT_EQ(bench["benchmarks"][0]["name"].get<std::string>().rfind("airflow1.10/tis:4000/select_1", 0), 0u);

  // Where the DB's time goes: each shape's and each 1.10 type's backend CPU, split by
  // pg_stat_statements; the 1.10 types take their own statements' CPU, the 2.x ones their shape's.
  EXPECT_NE(r.output.find("DB CPU per execution at 8000 task instances"), std::string::npos) << r.output;
  const auto& server = model.provenance()["server_cpu_us"];
  const double select1 = server["airflow1.10/tis:8000/select_1"]["cpu"].get<double>();
  EXPECT_GT(select1, 0);
  EXPECT_GT(server["airflow1.10/tis:8000/type:worker_start"]["cpu"].get<double>(), 2 * select1);
  EXPECT_GT(server["airflow1.10/tis:8000/update_state_select_tis"]["execution"].get<double>(), 0);
  EXPECT_GT(server["airflow1.10/tis:8000/trigger_rule_dep"]["planning"].get<double>(), 0);
  EXPECT_TRUE(model.provenance()["round_trip_outside_server_ms"].contains("airflow1.10/tis:8000/select_1"));
  auto file = nlohmann::json::parse(readFile(dir / "cal.json"));
  EXPECT_EQ(file["queries"]["worker_start"]["measured_as"], "airflow1.10/statements:worker_start");
  EXPECT_EQ(file["queries"]["schedule_tis"]["measured_as"], "airflow2.5/schedule_tis");
  EXPECT_GT(model.seconds(QueryType::WorkerStart, 1, 1, 8000), model.seconds(QueryType::TiCurrentState, 1, 1, 8000));
  // The task_instance updates the per-type measurements made, and of them the heap-only ones.
  ASSERT_TRUE(model.provenance().contains("task_instance_updates"));
  const auto& updates = model.provenance()["task_instance_updates"]["airflow1.10/tis:8000"];
  EXPECT_GT(updates["updates"].get<long long>(), 0);
  EXPECT_LE(updates["hot_updates"].get<long long>(), updates["updates"].get<long long>());
  // The server's own processes after each type's statements: the WAL writer flushes a write's
  // commit (a task runner's start writes four rows, each its own commit), nothing for a read.
  const double walStart = model.cost(QueryType::WorkerStart).serverProcesses;
  EXPECT_GT(walStart, 2e-6);
  EXPECT_LT(walStart, 0.5 * model.seconds(QueryType::WorkerStart, 1, 1, 8000));
  EXPECT_LT(model.cost(QueryType::TiCurrentState).serverProcesses, 0.25 * walStart);
  EXPECT_TRUE(server["airflow1.10/tis:8000/type:worker_start"].contains("server_processes"));
  EXPECT_NE(r.output.find("server's own processes per query (the WAL writer flushing its commits)"), std::string::npos)
      << r.output;
  // Airflow 3.1's schema, measured too: what airflow3 runs pay.
  EXPECT_EQ(file["airflow3"]["queries"]["api_ti_run"]["measured_as"], "airflow3.1/api_ti_run");
  EXPECT_EQ(file["airflow3"]["queries"]["deadline_scan"]["measured_as"], "airflow3.1/deadline_scan");
  EXPECT_GT(model.airflow3().seconds(QueryType::ApiTiRetry, 1, 1, 8000),
            model.airflow3().seconds(QueryType::ApiTiHeartbeat, 1, 1, 8000));
  EXPECT_GT(file["airflow3"]["bytes_per_row"]["task_instance_history"].get<double>(), 0);

  // What a connection costs the server: its backend's start and end (a fork and a backend's
  // caches: more than a statement), and a statement's CPU after idling, at the per-type costs'
  // pace first; a backend woken after a second costs more than one kept busy every millisecond.
  EXPECT_NE(r.output.find("connections: "), std::string::npos) << r.output;
  const ConnectionCost& connection = model.connectionCost();
  EXPECT_GT(connection.setupSeconds, 10 * select1 * 1e-6);
  // Measured beside connections reading that keep the core busy, as a DB-bound live run's starts are.
  EXPECT_EQ(file["connections"]["setup_beside"]["clients"], 24) << file["connections"].dump();
  EXPECT_EQ(file["connections"]["setup_beside"]["pace_s"], 0.002) << file["connections"].dump();
  // Of it, the start a client waits for (a fork and the backend's start up to its first answer);
  // the end comes at the close.
  ASSERT_TRUE(file["connections"].contains("start_s")) << file["connections"].dump();
  EXPECT_GT(file["connections"]["start_s"].get<double>(), 10 * select1 * 1e-6) << file["connections"].dump();
  EXPECT_LT(file["connections"]["start_s"].get<double>(), connection.setupSeconds) << file["connections"].dump();
  // Of the start, the backend's own CPU (the postmaster's fork left out), as a live run counts its.
  ASSERT_TRUE(file["connections"].contains("start_backend_s")) << file["connections"].dump();
  EXPECT_GT(file["connections"]["start_backend_s"].get<double>(), 0) << file["connections"].dump();
  EXPECT_LT(file["connections"]["start_backend_s"].get<double>(), file["connections"]["start_s"].get<double>())
      << file["connections"].dump();
  EXPECT_NE(r.output.find("of it before the client's first answer"), std::string::npos) << r.output;
  // Measured on connections that send a task runner's start, heartbeat and end: on a new backend
  // those cost more than their per-type costs (its caches of the tables and indexes are built).
  ASSERT_TRUE(file["connections"].contains("first_work")) << file["connections"].dump();
  const auto& work = file["connections"]["first_work"];
  EXPECT_EQ(work["units"].size(), 3u);
  EXPECT_GT(work["backend_cpu_s"].get<double>(), work["at_per_type_costs_s"].get<double>());
  EXPECT_NEAR(connection.coldSeconds, work["backend_cpu_s"].get<double>() - work["at_per_type_costs_s"].get<double>(),
              2e-6);
  EXPECT_NE(r.output.find("for a task runner's first statements on it"), std::string::npos) << r.output;
  ASSERT_EQ(connection.idleSeconds.size(), 4u);
  EXPECT_EQ(connection.idleSeconds.front(), 0.001);
  EXPECT_EQ(connection.idleSeconds.back(), 1.0);
  for (double cpu : connection.statementSeconds) EXPECT_GT(cpu, 0);
  EXPECT_GT(connection.wake(1.0), 0);
  // The server's speed yardstick, at the calibration's start and end: a statement's CPU, and the
  // mean of the two what `schedlab live` sets its own beside.
  EXPECT_NE(r.output.find("speed probe (the server's yardstick"), std::string::npos) << r.output;
  ASSERT_TRUE(model.provenance().contains("speed_probe"));
  const auto& yardstick = model.provenance()["speed_probe"];
  EXPECT_GT(yardstick["at_start_s"].get<double>(), 0);
  EXPECT_LT(yardstick["at_end_s"].get<double>(), 0.01);
  EXPECT_NEAR(yardstick["cpu_s"].get<double>(),
              (yardstick["at_start_s"].get<double>() + yardstick["at_end_s"].get<double>()) / 2, 1e-9);
  // And all through the per-type costs' measurement, at a pace of its own: a statement every
  // 20 ms for the seconds they took.
  ASSERT_TRUE(yardstick.contains("during_s"));
  EXPECT_GT(yardstick["during_s"].get<double>(), 0);
  EXPECT_LT(yardstick["during_s"].get<double>(), 0.01);
  EXPECT_EQ(yardstick["during_pace_s"].get<double>(), 0.02);
  EXPECT_GT(yardstick["during_statements"].get<long long>(), 50);
  // And a trigger-rule count on the harness's table, in bursts at the per-type costs' pace
  // all through them, as `schedlab live` sends it all through its run.
  ASSERT_TRUE(yardstick.contains("bursts_s"));
  EXPECT_GT(yardstick["bursts_s"].get<double>(), 0);
  EXPECT_LT(yardstick["bursts_s"].get<double>(), 0.01);
  EXPECT_NE(yardstick["bursts"]["statement"].get<std::string>().find("schedlab_harness.yardstick"), std::string::npos);
  EXPECT_EQ(yardstick["bursts"]["pace_s"].get<double>(), 0.001);
  EXPECT_GT(yardstick["bursts_statements"].get<long long>(), 10);

  // The scheduler's side, measured with SQLAlchemy: every type the scheduler sends.
  EXPECT_NE(r.output.find("scheduler-side cost per query (client CPU: SQLAlchemy 1.4"), std::string::npos) << r.output;
  ASSERT_TRUE(model.hasClientCosts());
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    if (!kQueries[i].schedulerSide) continue;
    const ClientCost& c = model.clientCost(static_cast<QueryType>(i));
    EXPECT_GT(c.fixed, 10e-6) << kQueries[i].name;  // building and sending a statement is not free...
    EXPECT_LT(c.fixed, 50e-3) << kQueries[i].name;  // ...nor a twentieth of a second
  }
  // Mapping a run's task instances to objects costs per row; an INSERT's rows are those written.
  EXPECT_GT(model.clientCost(QueryType::UpdateStateSelectTis).perRow, 0);
  EXPECT_TRUE(model.clientCost(QueryType::DagRunInsert).rowsWritten);

  auto run = runCli("run " + std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml --quiet --calibration " +
                    (dir / "cal.json").string() + " --set scheduler.client_cost_per_query=measured --out " +
                    (dir / "run").string());
  ASSERT_EQ(run.code, 0) << run.output;
  auto results = nlohmann::json::parse(readFile(dir / "run" / "results.json"));
  EXPECT_EQ(results["variants"][0]["sim"]["calibration"]["status"], "live");
  EXPECT_EQ(results["variants"][0]["config"]["scheduler"]["client_cost_per_query_s"], "measured");
}

TEST(CalibrateCommand, ClientOnlyReplacesTheSchedulerSideAlone) {
  auto dir = tempDir();
  const std::string out = (dir / "cal.json").string();
  auto shipped = nlohmann::json::parse(readFile(std::string(SCHEDLAB_TESTS) + "/../sim/calibration/default.json"));
  shipped.erase("client_costs");
  shipped.erase("api_server");
  std::ofstream(out) << shipped.dump(2);
  // Nor, without the API server's measured request cost, an airflow3 run that asks for it.
  auto noApi = runCli("run " + std::string(SCHEDLAB_TESTS) + "/data/tiny-airflow3.yaml --quiet --calibration " + out +
                      " --variant airflow3 --set scheduler.client_cost_per_query=1ms --set "
                      "api_server.client_cost_per_statement=1ms --out " +
                      (dir / "refused").string());
  EXPECT_EQ(noApi.code, 2) << noApi.output;
  EXPECT_NE(noApi.output.find("api_server.request_cost: measured, but the calibration"), std::string::npos)
      << noApi.output;
  // Without client costs a measured client cost is refused, naming the field.
  auto refused = runCli("run " + std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml --quiet --calibration " + out +
                        " --set scheduler.client_cost_per_query=measured --out " + (dir / "refused").string());
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find("scheduler.client_cost_per_query: measured, but the calibration"), std::string::npos)
      << refused.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "refused"));

  auto r = runCli("calibrate --client-only --quick --sizes 4000,8000 --out " + out);
  ASSERT_EQ(r.code, 0) << r.output;
  auto written = nlohmann::json::parse(readFile(out));
  EXPECT_EQ(written["queries"], shipped["queries"]);  // the DB's costs stay
  EXPECT_EQ(written["client_costs"]["measured"]["task_instances"], 8000);
  EXPECT_EQ(written["client_costs"]["libraries"]["sqlalchemy"].get<std::string>().rfind("1.4", 0), 0u);
  EXPECT_TRUE(QueryCostModel::fromFile(out).hasClientCosts());
  // And the API server's request cost, on its FastAPI proxy, with the versions it ran on.
  EXPECT_GT(QueryCostModel::fromFile(out).apiRequestCost(), 1e-5);
  EXPECT_LT(QueryCostModel::fromFile(out).apiRequestCost(), 0.05);
  EXPECT_EQ(written["api_server"]["rounds_s"].size(), 3u);  // --quick: 3 rounds of 500
  EXPECT_FALSE(written["api_server"]["libraries"]["fastapi"].get<std::string>().empty());
  auto missing = runCli("calibrate --client-only --out " + (dir / "none.json").string());
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_NE(missing.output.find("--client-only: --out must name an existing calibration"), std::string::npos);
}

TEST(CalibrateCommand, BadInputExitsTwoAndWritesNothing) {
  auto dir = tempDir();
  const std::string out = (dir / "cal.json").string();
  auto noOut = runCli("calibrate --quick");
  EXPECT_EQ(noOut.code, 2) << noOut.output;
  EXPECT_NE(noOut.output.find("--out FILE.json is required"), std::string::npos);
  auto badSizes = runCli("calibrate --sizes 5 --out " + out);
  EXPECT_EQ(badSizes.code, 2) << badSizes.output;
  EXPECT_NE(badSizes.output.find("--sizes: '5'"), std::string::npos) << badSizes.output;
  auto noBase = runCli("calibrate --layouts airflow2.5,airflow3.1 --out " + out);
  EXPECT_EQ(noBase.code, 2) << noBase.output;
  EXPECT_NE(noBase.output.find("--layouts: airflow1.10 is needed"), std::string::npos) << noBase.output;
  auto unknown = runCli("calibrate --layouts airflow1.10,airflow2.5,airflow4 --out " + out);
  EXPECT_EQ(unknown.code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("'airflow4' is not"), std::string::npos) << unknown.output;
  auto unreachable = runCli("calibrate --quick --pg postgresql://127.0.0.1:1/nowhere --out " + out);
  EXPECT_EQ(unreachable.code, 2) << unreachable.output;
  EXPECT_NE(unreachable.output.find("--pg: cannot connect"), std::string::npos) << unreachable.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  {
    // A server that does not load pg_stat_statements cannot say where its time goes: refused
    // before anything is loaded, the setting named.
    ThrowawayPostgres pg({"shared_preload_libraries=''"});
    const std::string url = "postgresql://postgres@127.0.0.1:" + std::to_string(pg.port()) + "/postgres";
    auto noModule = runCli("calibrate --quick --pg " + url + " --out " + out);
    EXPECT_EQ(noModule.code, 2) << noModule.output;
    EXPECT_NE(noModule.output.find("--pg: " + url + " has no pg_stat_statements extension"), std::string::npos)
        << noModule.output;
    EXPECT_NE(noModule.output.find("shared_preload_libraries"), std::string::npos) << noModule.output;
    pqxx::connection c(pg.connectionString());
    pqxx::nontransaction(c).exec("CREATE EXTENSION pg_stat_statements");
    auto notLoaded = runCli("calibrate --quick --pg " + url + " --out " + out);
    EXPECT_EQ(notLoaded.code, 2) << notLoaded.output;
    EXPECT_NE(notLoaded.output.find("does not load pg_stat_statements"), std::string::npos) << notLoaded.output;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
  auto runBad = runCli("run " + std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml --calibration /nonexistent.json");
  EXPECT_EQ(runBad.code, 2) << runBad.output;
  // The fuzzer's finding (tests/fuzz/corpus/calibration): a number past a double's range is bad
  // input, not an internal error.
  std::ofstream(dir / "huge.json") << "1e47777777777777777777777777777777777777777777777777777777";
  auto huge = runCli("run " + std::string(SCHEDLAB_TESTS) + "/data/tiny-chain.yaml --calibration " +
                     (dir / "huge.json").string());
  EXPECT_EQ(huge.code, 2) << huge.output;
  EXPECT_NE(huge.output.find("huge.json: not valid JSON"), std::string::npos) << huge.output;
}
