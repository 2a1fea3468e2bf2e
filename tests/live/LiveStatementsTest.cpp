// Every query an Airflow 1.10 scenario sends has live statements, as many as the catalog counts,
// and each of them is valid SQL on Airflow 1.10's schema (prepared on a throwaway PostgreSQL).
#include <gtest/gtest.h>

#include "pg/AirflowSchema.h"
#include "pg/BenchDatabase.h"
#include "pg/LiveStatements.h"

using namespace schedlab;

namespace {
bool sentByAirflow1(QueryType t) {
  switch (t) {
    case QueryType::DagsNeedingDagruns:
    case QueryType::StartQueuedDagruns:
    case QueryType::NextDagrunsToExamine:
    case QueryType::UpdateStateChanges:
    case QueryType::ScheduleTis:
    case QueryType::PoolSlotsLock:
    case QueryType::PoolStateCounts:
    case QueryType::ScheduledTisForUpdate:
    case QueryType::BulkQueueTis:
    case QueryType::MiniScheduler:
    case QueryType::ArchiveDelete:
    case QueryType::ApiTiRun:
    case QueryType::ApiTiState:
    case QueryType::ApiTiHeartbeat:
    case QueryType::ApiXcomSet:
    case QueryType::ApiTiRetry:
    case QueryType::DagProcessorParse:
    case QueryType::DeadlineScan:
    case QueryType::DagrunCreateVersions:
    case QueryType::VerifyDagVersion:
    case QueryType::VariableGet:  // live refuses variable_reads and connection_reads
    case QueryType::ConnectionGet:
      return false;
    default:
      if (queryInfo(t).deferralOrAssets) return false;  // Airflow 2.2 brought deferral
      return true;
  }
}
}  // namespace

TEST(LiveStatements, EveryAirflow1QueryHasTheCatalogsStatementsAndTheyPrepare) {
  BenchDatabase db;
  const std::string schema = db.freshSchema("statements");
  auto c = db.connectTo(schema);
  createSchema(*c, SchemaLayout::Airflow110);
  int prepared = 0, expected = 0;
  for (size_t i = 0; i < kQueryTypeCount; ++i) {
    const auto type = static_cast<QueryType>(i);
    const auto& statements = liveStatements(type);
    if (!sentByAirflow1(type)) {
      EXPECT_TRUE(statements.empty()) << kQueries[i].name;
      continue;
    }
    expected += kQueries[i].statements;
    ASSERT_EQ(static_cast<int>(statements.size()), kQueries[i].statements) << kQueries[i].name;
    for (size_t k = 0; k < statements.size(); ++k) {
      const std::string name = std::string(kQueries[i].name) + "_" + std::to_string(k);
      // PREPARE in SQL: the server parses and plans it now (libpqxx prepares on first use).
      EXPECT_NO_THROW(pqxx::nontransaction(*c).exec("PREPARE " + name + " AS " + statements[k].sql))
          << name << ": " << statements[k].sql;
      // The statement takes exactly the parameters it declares.
      auto r = pqxx::nontransaction(*c).exec_params(
          "SELECT cardinality(parameter_types) FROM pg_prepared_statements WHERE name = $1", name);
      ASSERT_EQ(r.size(), 1u) << name;
      EXPECT_EQ(r[0][0].as<size_t>(), statements[k].params.size()) << name;
      ++prepared;
    }
  }
  EXPECT_EQ(prepared, expected);
  EXPECT_GE(expected, 40);  // the 1.10 catalog: 27 query types
}
