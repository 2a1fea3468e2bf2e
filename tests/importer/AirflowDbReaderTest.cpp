// The metadata-database reader against a throwaway PostgreSQL with bench/pg's fixtures of each
// schema: the release from alembic_version, the task graph from serialized_dag (plain or
// compressed), the window, and that it never writes and refuses what it cannot read.
#include <gtest/gtest.h>
#include <zlib.h>

#include <pqxx/pqxx>

#include <chrono>
#include <thread>

#include "importer/AirflowDbReader.h"
#include "pg/BenchDatabase.h"

using namespace schedlab;

namespace {

constexpr double kSinceForever = 20 * 365 * 86400.0;  // the fixtures' runs are of 2020

History small() {
  History h;
  h.taskInstances = 2000;
  h.dags = 4;
  h.tasks = 10;
  return h;
}

DbImportRequest request(const BenchDatabase& db, const std::string& schema) {
  DbImportRequest r;
  r.url = db.connectionString();
  r.schema = schema;
  r.since = kSinceForever;
  return r;
}

void expectChain(const ObservedDag& dag, int tasks) {
  ASSERT_EQ(static_cast<int>(dag.tasks.size()), tasks) << dag.id;
  EXPECT_FALSE(dag.graphInferred) << dag.id;
  EXPECT_TRUE(dag.tasks[0].upstream.empty());
  for (int t = 1; t < tasks; ++t)
    EXPECT_EQ(dag.tasks[static_cast<size_t>(t)].upstream, std::vector<std::string>{dag.tasks[t - 1].id}) << dag.id;
}

// Rows inserted, updated and deleted in `schema`'s tables, as the statistics count them.
long long writes(pqxx::connection& c, const std::string& schema) {
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // backends report at most once a second
  pqxx::nontransaction tx(c);
  tx.exec("SELECT pg_stat_clear_snapshot()");
  return tx
      .exec_params1(
          "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables WHERE "
          "schemaname = $1",
          schema)[0]
      .as<long long>();
}

}  // namespace

TEST(AirflowDbReader, ReadsEachSchemaRebuildingTheGraphFromSerializedDagsPlainOrCompressed) {
  BenchDatabase db;
  const History h = small();
  for (SchemaLayout layout : kSchemaLayouts) {
    db.load(layout, h);
    const Deployment d = readAirflowDb(request(db, db.schemaOf(layout, h)));
    ASSERT_EQ(d.dags.size(), 4u) << layoutName(layout);
    for (const ObservedDag& dag : d.dags) {
      EXPECT_EQ(static_cast<int>(dag.runs.size()), h.runsPerDag()) << dag.id;
      EXPECT_EQ(dag.runs.front().tis.size(), 10u) << dag.id;
      EXPECT_EQ(dag.schedule.kind, ObservedSchedule::Kind::Cron) << dag.id;
    }
    if (layout == SchemaLayout::Airflow110) {
      EXPECT_EQ(d.layout, "airflow1.10");
      EXPECT_EQ(d.schemaRevision, "da3f683c3a5a");
      EXPECT_EQ(d.airflowVersion, "1.10.12");
      EXPECT_TRUE(d.dags[0].graphInferred);  // no serialized DAGs in 1.10's fixture
      EXPECT_EQ(d.dags[0].schedule.text, "@hourly");
      // 1.10 has no data interval: a run is due an interval after its execution date.
      EXPECT_DOUBLE_EQ(d.dags[0].runs[0].dueAt, d.dags[0].runs[0].logicalDate + 3600);
    } else if (layout == SchemaLayout::Airflow2) {
      EXPECT_EQ(d.layout, "airflow2");
      EXPECT_EQ(d.airflowVersion, "2.5.0–2.5.3");
      for (const ObservedDag& dag : d.dags) expectChain(dag, 10);
      EXPECT_EQ(d.dags[0].maxActiveRuns, 16);
      EXPECT_EQ(d.dags[0].tasks[0].retries, 1);
    } else {
      EXPECT_EQ(d.layout, "airflow3");
      EXPECT_EQ(d.schemaRevision, "cc92b33c6709");
      for (const ObservedDag& dag : d.dags) expectChain(dag, 10);  // wrapped operators, the newest version's
      EXPECT_EQ(d.dags[0].schedule.text, "0 * * * *");             // the serialized timetable
    }
    EXPECT_EQ(d.pools.at("default_pool"), 128);
  }
  // [core] compress_serialized_dags (2.3+): data NULL, data_compressed = zlib.compress(json).
  auto c = db.connect(SchemaLayout::Airflow2, h);
  {
    pqxx::work tx(*c);
    const std::string json =
        tx.exec1("SELECT data::text FROM serialized_dag WHERE dag_id = 'dag_1'")[0].as<std::string>();
    std::string packed(compressBound(json.size()), '\0');
    uLongf size = packed.size();
    ASSERT_EQ(compress(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(json.data()),
                       json.size()),
              Z_OK);
    packed.resize(size);
    tx.exec_params("UPDATE serialized_dag SET data = NULL, data_compressed = $1 WHERE dag_id = 'dag_1'",
                   pqxx::binarystring(packed));
    tx.commit();
  }
  const Deployment compressed = readAirflowDb(request(db, db.schemaOf(SchemaLayout::Airflow2, h)));
  ASSERT_EQ(compressed.dags[0].id, "dag_1");
  expectChain(compressed.dags[0], 10);
}

TEST(AirflowDbReader, NeverWritesAndRefusesWhatItCannotRead) {
  BenchDatabase db;
  const History h = small();
  db.load(SchemaLayout::Airflow2, h);
  const std::string schema = db.schemaOf(SchemaLayout::Airflow2, h);
  auto admin = db.connectTo(schema);
  const long long before = writes(*admin, schema);
  readAirflowDb(request(db, schema));
  EXPECT_EQ(writes(*admin, schema), before);
  {  // The control: a session that does write is counted.
    auto other = db.connectTo(schema);
    pqxx::nontransaction(*other).exec("UPDATE dag SET is_paused = false WHERE dag_id = 'dag_1'");
  }
  EXPECT_EQ(writes(*admin, schema), before + 1);

  DbImportRequest recent = request(db, schema);
  recent.since = 86400;  // the fixture's runs are years old
  try {
    readAirflowDb(recent);
    FAIL() << "no runs in the window";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("no DAG run in the window"), std::string::npos) << e.what();
  }
  DbImportRequest none = request(db, schema);
  none.dags = "nightly_*";
  EXPECT_THROW(readAirflowDb(none), ImportError);
  DbImportRequest missing = request(db, "no_such_schema");
  try {
    readAirflowDb(missing);
    FAIL() << "no such schema";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("--schema no_such_schema: no such schema"), std::string::npos) << e.what();
  }
  // A revision schedlab does not know: a schema migrated past what it reads.
  const std::string other = db.freshSchema("future");
  auto c = db.connectTo(other);
  createSchema(*c, SchemaLayout::Airflow2);
  pqxx::nontransaction(*c).exec("UPDATE alembic_version SET version_num = '0123456789ab'");
  try {
    readAirflowDb(request(db, other));
    FAIL() << "unknown revision";
  } catch (const ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("alembic revision 0123456789ab"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("is not one schedlab knows"), std::string::npos) << e.what();
  }
  pqxx::nontransaction(*c).exec("DROP TABLE alembic_version");
  EXPECT_THROW(readAirflowDb(request(db, other)), ImportError);
  // An unreachable server: named without its password.
  DbImportRequest away;
  away.url = "postgresql://airflow:s3cret-pw@127.0.0.1:1/airflow";
  try {
    readAirflowDb(away);
    FAIL() << "unreachable";
  } catch (const ImportError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot connect to postgresql://airflow:***@127.0.0.1:1/airflow"), std::string::npos) << what;
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
  }
}
