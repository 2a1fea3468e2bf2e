// The import checked end to end against a database with real rows: `schedlab live --keep-db`
// runs tests/data/tiny-import.yaml against a throwaway PostgreSQL (1.10's schema) and leaves it;
// `schedlab import` reads it back (read only) into a scenario and its observed figures; the
// simulator's replay of that scenario lands within 15 % of what was observed; the same rows saved
// as REST API JSON import to the same figures; and the report puts replay and observation side by
// side. The live run is timed, so nothing else runs meanwhile (SERIAL).
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <regex>

#include "support/TestSupport.h"

using namespace schedlab;
using namespace schedlab::test;
using Json = nlohmann::json;

namespace {

// What the scenario sets that a metadata database does not hold: given to the import as a user
// who knows their deployment would.
const char* kKnownSettings =
    " --set scheduler.query_mode=per_dag --set scheduler.max_active_runs_per_dag=3"
    " --set scheduler.dag_file_parse_cost=50ms --set metadb.network_rtt=0.1ms --set executor.workers=2"
    " --set executor.worker_concurrency=16 --set executor.broker_latency=1ms --set executor.task_start_overhead=100ms";

// Runs the removal command `live --keep-db` printed, however the test ends.
struct KeptDatabase {
  std::string removal;
  ~KeptDatabase() {
    if (!removal.empty()) std::system(removal.c_str());
  }
};

Json metrics(const std::string& dir) { return Json::parse(readFile(dir + "/results.json"))["variants"][0]["metrics"]; }

// Saves the database's rows as REST API v1 responses: dags, dag_runs and task_instances (in
// two pages), as `GET /api/v1/...` returns them.
void saveRestDump(const std::string& conninfo, const std::string& schema, const std::filesystem::path& dir) {
  pqxx::connection c(conninfo);
  pqxx::nontransaction tx(c);
  tx.exec("SET search_path TO " + schema);
  std::filesystem::create_directories(dir);
  auto save = [&](const std::string& file, const std::string& sql) {
    std::ofstream(dir / file) << tx.exec1(sql)[0].as<std::string>();
  };
  save("dags.json",
       "SELECT json_build_object('total_entries', count(*), 'dags', json_agg(json_build_object('dag_id', dag_id, "
       "'is_paused', is_paused, 'schedule_interval', json_build_object('__type', 'TimeDelta', 'days', "
       "(schedule_interval::json->'attrs'->>'days')::int, 'seconds', "
       "(schedule_interval::json->'attrs'->>'seconds')::int, "
       "'microseconds', 0))))::text FROM dag");
  save("dag_runs.json",
       "SELECT json_build_object('dag_runs', json_agg(json_build_object('dag_run_id', run_id, 'dag_id', dag_id, "
       "'execution_date', execution_date, 'logical_date', execution_date, 'start_date', start_date, 'end_date', "
       "end_date, 'state', state, 'external_trigger', external_trigger, 'run_type', 'scheduled')))::text FROM dag_run");
  for (const auto& [file, where] : {std::pair{"task_instances_1.json", "ti.task_id < 'l'"},
                                    std::pair{"task_instances_2.json", "ti.task_id >= 'l'"}})
    save(file,
         std::string("SELECT json_build_object('task_instances', json_agg(json_build_object('task_id', ti.task_id, "
                     "'dag_id', ti.dag_id, 'dag_run_id', dr.run_id, 'execution_date', ti.execution_date, 'start_date', "
                     "ti.start_date, 'end_date', ti.end_date, 'state', ti.state, 'try_number', ti.try_number, "
                     "'max_tries', ti.max_tries, 'queued_when', ti.queued_dttm, 'pool', ti.pool, 'queue', ti.queue, "
                     "'hostname', ti.hostname, 'map_index', -1)))::text FROM task_instance ti JOIN dag_run dr ON "
                     "dr.dag_id = ti.dag_id AND dr.execution_date = ti.execution_date WHERE ") +
             where);
}

}  // namespace

TEST(ImportCheck, AReplayOfALiveDatabaseLandsWithinFifteenPercentOfWhatItObserved) {
  const auto dir = tempDir();
  const std::string d = dir.string();
  auto live = runCli("live " + std::string(SCHEDLAB_TEST_DATA) + "/tiny-import.yaml --duration 30s --keep-db --out " +
                     d + "/live");
  ASSERT_EQ(live.code, 0) << live.output;
  std::smatch m;
  KeptDatabase kept;
  ASSERT_TRUE(std::regex_search(live.output, m, std::regex("remove it: (.*)"))) << live.output;
  kept.removal = m[1];
  ASSERT_TRUE(std::regex_search(live.output, m, std::regex("schedlab import --pg '([^']*)' --schema (\\S+)")))
      << live.output;
  const std::string conninfo = m[1], schema = m[2];

  auto imported =
      runCli("import --pg '" + conninfo + "' --schema " + schema + " --out " + d + "/import" + kKnownSettings);
  ASSERT_EQ(imported.code, 0) << imported.output;
  EXPECT_NE(imported.output.find("airflow1.10 schema (alembic da3f683c3a5a, Airflow 1.10.12)"), std::string::npos)
      << imported.output;
  const std::string scenario = readFile(d + "/import/scenario.yaml");
  EXPECT_NE(scenario.find("model: airflow1"), std::string::npos) << scenario;
  EXPECT_NE(scenario.find("task graph inferred from the order the tasks ran in"), std::string::npos);
  EXPECT_NE(scenario.find("schedule: 4s"), std::string::npos) << scenario;
  // The graph the live run's layered DAG had: extract, two layers of two, load.
  EXPECT_NE(scenario.find("deps: [transform_07, transform_08, transform_09]"), std::string::npos) << scenario;

  auto sim = runCli("run " + d + "/import/scenario.yaml --out " + d + "/import/sim");
  ASSERT_EQ(sim.code, 0) << sim.output;
  const Json observed = metrics(d + "/import/observed"), simulated = metrics(d + "/import/sim");
  EXPECT_EQ(Json::parse(readFile(d + "/import/observed/results.json"))["source"], "observed");
  for (const char* figure :
       {"task_transition_latency_s.mean", "task_transition_latency_s.p95", "dagrun_duration_s.mean"}) {
    const std::string f = figure;
    const std::string name = f.substr(0, f.find('.')), field = f.substr(f.find('.') + 1);
    ASSERT_GE(observed[name]["count"].get<int>(), 10) << figure;
    const double o = observed[name][field], s = simulated[name][field];
    EXPECT_NEAR(s, o, 0.15 * o) << figure << ": simulated " << s << " s, observed " << o << " s";
    std::printf("%s: simulated %.3f s, observed %.3f s (%+.1f %%, %d samples)\n", figure, s, o, 100 * (s - o) / o,
                observed[name]["count"].get<int>());
  }

  // The same rows saved from the REST API import to the same observed figures.
  saveRestDump(conninfo, schema, dir / "rest");
  auto rest = runCli("import --rest-dump " + d + "/rest --out " + d + "/rest-import");
  ASSERT_EQ(rest.code, 0) << rest.output;
  const Json fromRest = metrics(d + "/rest-import/observed");
  for (const char* name : {"task_transition_latency_s", "queued_duration_s", "schedule_delay_s", "dagrun_duration_s"}) {
    EXPECT_EQ(fromRest[name]["count"], observed[name]["count"]) << name;
    EXPECT_NEAR(fromRest[name]["mean"].get<double>(), observed[name]["mean"].get<double>(), 1e-5) << name;
  }

  auto report = runCli("report " + d + "/import/sim " + d + "/import/observed --out " + d + "/report");
  ASSERT_EQ(report.code, 0) << report.output;
  const std::string md = readFile(d + "/report/report.md");
  EXPECT_NE(md.find("## Simulated vs observed"), std::string::npos);
  EXPECT_NE(md.find("| replay | all DAGs | transition mean |"), std::string::npos) << md;

  const std::string cluster =
      std::regex_search(live.output, m, std::regex("in (/\\S+schedlab-pg-\\S+)")) ? m[1].str() : "";
  EXPECT_EQ(std::system(kept.removal.c_str()), 0);
  kept.removal.clear();
  EXPECT_FALSE(cluster.empty());
  EXPECT_FALSE(std::filesystem::exists(cluster)) << "the kept cluster is removed by the printed command";
}
