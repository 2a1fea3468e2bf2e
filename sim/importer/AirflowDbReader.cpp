#include "importer/AirflowDbReader.h"

#include <fnmatch.h>
#include <zlib.h>

#include <pqxx/pqxx>

#include <map>
#include <memory>
#include <set>

#include "importer/DueTimes.h"
#include "importer/SchemaVersions.h"
#include "importer/SerializedDag.h"
#include "importer/TaskGraph.h"
#include "pg/ConnectionString.h"

namespace schedlab {
namespace {

using Json = nlohmann::json;

double timeOf(const pqxx::field& f) { return f.is_null() ? kNoTime : f.as<double>(); }
std::string textOf(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }
int intOf(const pqxx::field& f, int otherwise) { return f.is_null() ? otherwise : f.as<int>(); }

// A column list's epoch seconds: "extract(epoch from x)".
std::string epoch(const std::string& column) {
  return column == "NULL" ? "NULL::float8" : "extract(epoch from " + column + ")::float8";
}

// zlib's inflate of `data` (Python's zlib.compress); throws std::runtime_error when it is not.
std::string inflate(const std::string& data) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw std::runtime_error("zlib");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = ::inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("data_compressed is not zlib data");
  return out;
}

class Reader {
 public:
  Reader(pqxx::connection& c, const DbImportRequest& req) : c_(c), req_(req) {}

  Deployment read() {
    pqxx::read_transaction tx(c_);
    Deployment d;
    if (tx.exec_params("SELECT 1 FROM pg_namespace WHERE nspname = $1", req_.schema).empty())
      throw ImportError("--schema " + req_.schema + ": no such schema in this database");
    if (!hasTable(tx, "alembic_version"))
      throw ImportError("no alembic_version table in schema " + req_.schema +
                        ": not an Airflow metadata database (or name its schema with --schema)");
    // One row, or (1.10.3 to 1.10.6) one per head of a branched history.
    auto rev = tx.exec("SELECT version_num FROM " + qualified("alembic_version") + " ORDER BY version_num");
    if (rev.empty()) throw ImportError("alembic_version in schema " + req_.schema + " is empty: not migrated");
    for (const auto& row : rev) {
      const std::string revision = row[0].as<std::string>();
      d.schemaRevision += (d.schemaRevision.empty() ? "" : "+") + revision;
      auto version = schemaVersionOf(revision);
      if (!version) {
        std::string known;
        for (const auto& v : knownSchemaVersions()) known += (known.empty() ? "" : ", ") + v.airflow;
        throw ImportError("alembic revision " + revision + " (alembic_version in schema " + req_.schema +
                          ") is not one schedlab knows; it reads the schemas of Airflow " + known);
      }
      d.airflowVersion = version->airflow;
      d.layout = version->layout;
    }
    const double now = tx.exec("SELECT extract(epoch from now())")[0][0].as<double>();
    d.windowEnd = now;
    d.windowStart = now - req_.since;

    readDags(tx, d);
    readRuns(tx, d);
    readTaskInstances(tx, d);
    if (hasTable(tx, "serialized_dag")) readSerialized(tx, d);
    readPools(tx, d);
    readHistoryRows(tx, d);
    for (ObservedDag& dag : d.dags) {
      if (dag.graphInferred) inferTaskGraph(dag);
      fillDueTimes(dag);
    }
    // Only DAGs that ran in the window.
    std::vector<ObservedDag> ran;
    for (ObservedDag& dag : d.dags)
      if (!dag.runs.empty()) ran.push_back(std::move(dag));
    d.dags = std::move(ran);
    if (d.dags.empty())
      throw ImportError("no DAG run in the window (" + std::to_string(static_cast<long long>(req_.since)) +
                        " s before the server's now()" + (req_.dags.empty() ? "" : ", DAGs " + req_.dags) +
                        "): widen --since or --dags");
    return d;
  }

 private:
  bool hasTable(pqxx::transaction_base& tx, const std::string& table) {
    return !tx.exec_params(
                  "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND "
                  "c.relname = $2 AND c.relkind IN ('r', 'p', 'v')",
                  req_.schema, table)
                .empty();
  }
  const std::set<std::string>& columns(pqxx::transaction_base& tx, const std::string& table) {
    auto it = columns_.find(table);
    if (it != columns_.end()) return it->second;
    std::set<std::string>& out = columns_[table];
    for (const auto& r : tx.exec_params(
             "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
             req_.schema, table))
      out.insert(r[0].as<std::string>());
    return out;
  }
  // `column` when the table has it, else `otherwise` (an SQL expression).
  std::string col(pqxx::transaction_base& tx, const std::string& table, const std::string& column,
                  const std::string& otherwise = "NULL") {
    return columns(tx, table).count(column) ? column : otherwise;
  }
  // When a run (alias dr) belongs to the window: its start, else its queueing, else its date.
  std::string runTime(pqxx::transaction_base& tx) {
    std::string out = "coalesce(dr.start_date";
    if (columns(tx, "dag_run").count("queued_at")) out += ", dr.queued_at";
    if (columns(tx, "dag_run").count("run_after")) out += ", dr.run_after";
    return out + ", dr." + col(tx, "dag_run", "logical_date", "execution_date") + ")";
  }
  std::string qualified(const std::string& table) const { return c_.quote_name(req_.schema) + "." + table; }

  void readDags(pqxx::transaction_base& tx, Deployment& d) {
    const std::string sql = "SELECT dag_id, " + col(tx, "dag", "is_paused", "false") + ", " +
                            col(tx, "dag", "schedule_interval", col(tx, "dag", "timetable_summary")) + ", " +
                            col(tx, "dag", "max_active_runs") + ", " +
                            col(tx, "dag", "max_active_tasks", col(tx, "dag", "concurrency")) + " FROM " +
                            qualified("dag") + " ORDER BY dag_id";
    for (const auto& r : tx.exec(sql)) {
      const std::string id = r[0].as<std::string>();
      if (!req_.dags.empty() && ::fnmatch(req_.dags.c_str(), id.c_str(), 0) != 0) continue;
      ObservedDag dag;
      dag.id = id;
      dag.paused = !r[1].is_null() && r[1].as<bool>();
      // 1.10 and 2.x: JSON (airflow.utils.sqlalchemy.Interval); 3.x's timetable_summary: the
      // timetable's summary text (or, on rows not parsed since the upgrade, the old JSON).
      if (!r[2].is_null()) {
        const std::string text = r[2].as<std::string>();
        try {
          dag.schedule = scheduleFromJson(Json::parse(text));
        } catch (const Json::exception&) {
          dag.schedule = scheduleFromSummary(text);
        }
      }
      dag.maxActiveRuns = intOf(r[3], -1);
      dag.maxActiveTasks = intOf(r[4], -1);
      index_[id] = d.dags.size();
      d.dags.push_back(std::move(dag));
    }
  }

  // Runs of the window: started (or, not yet started, queued or dated) after its start.
  void readRuns(pqxx::transaction_base& tx, Deployment& d) {
    const std::string date = col(tx, "dag_run", "logical_date", "execution_date");
    const std::string external =
        columns(tx, "dag_run").count("run_type")
            ? "run_type <> 'scheduled' AND run_type <> 'backfill'"
            : col(tx, "dag_run", "external_trigger", "false") + " AND run_id NOT LIKE 'backfill%'";
    const std::string sql = "SELECT dag_id, run_id, state, (" + external + ") AS external, " + epoch(date) + ", " +
                            epoch(col(tx, "dag_run", "data_interval_end")) + ", " + epoch("start_date") + ", " +
                            epoch("end_date") + ", " + epoch(col(tx, "dag_run", "run_after")) + " FROM " +
                            qualified("dag_run") + " dr WHERE " + runTime(tx) +
                            " >= to_timestamp($1) ORDER BY dag_id, coalesce(" + date + ", " +
                            col(tx, "dag_run", "run_after", date) + "), id";
    for (const auto& r : tx.exec_params(sql, d.windowStart)) {
      auto it = index_.find(r[0].as<std::string>());
      if (it == index_.end()) continue;
      ObservedDag& dag = d.dags[it->second];
      ObservedRun run;
      run.runId = textOf(r[1]);
      run.state = textOf(r[2]);
      run.external = !r[3].is_null() && r[3].as<bool>();
      run.logicalDate = timeOf(r[4]);
      // A scheduled run is due at its data interval's end; a triggered one at its trigger time
      // (3.x: run_after; earlier, its logical date). Without either, fillDueTimes works it out.
      const double runAfter = timeOf(r[8]);
      run.dueAt = run.external ? (known(runAfter) ? runAfter : run.logicalDate) : timeOf(r[5]);
      if (!known(run.logicalDate)) run.logicalDate = runAfter;
      run.started = timeOf(r[6]);
      run.ended = timeOf(r[7]);
      runIndex_[{dag.id, run.runId}] = {it->second, dag.runs.size()};
      dag.runs.push_back(std::move(run));
    }
  }

  void readTaskInstances(pqxx::transaction_base& tx, Deployment& d) {
    const bool byRunId = columns(tx, "task_instance").count("run_id") > 0;
    const std::string join = byRunId ? "ti.dag_id = dr.dag_id AND ti.run_id = dr.run_id"
                                     : "ti.dag_id = dr.dag_id AND ti.execution_date = dr.execution_date";
    auto c = [&](const std::string& column, const std::string& otherwise = "NULL") {
      return columns(tx, "task_instance").count(column) ? "ti." + column : otherwise;
    };
    const std::string sql = "SELECT dr.dag_id, dr.run_id, ti.task_id, " + c("map_index", "-1") + ", ti.state, " +
                            c("try_number", "0") + ", " + c("max_tries", "-1") + ", " + epoch(c("queued_dttm")) + ", " +
                            epoch("ti.start_date") + ", " + epoch("ti.end_date") + ", " + c("pool", "'default_pool'") +
                            ", " + c("pool_slots", "1") + ", " + c("queue") + ", " + c("operator") + ", " +
                            c("hostname") + " FROM " + qualified("task_instance") + " ti JOIN " + qualified("dag_run") +
                            " dr ON " + join + " WHERE " + runTime(tx) + " >= to_timestamp($1)";
    for (const auto& r : tx.exec_params(sql, d.windowStart)) {
      auto it = runIndex_.find({r[0].as<std::string>(), textOf(r[1])});
      if (it == runIndex_.end()) continue;
      ObservedTaskInstance ti;
      ti.taskId = r[2].as<std::string>();
      ti.mapIndex = intOf(r[3], -1);
      ti.state = textOf(r[4]);
      ti.tryNumber = intOf(r[5], 0);
      ti.maxTries = intOf(r[6], -1);
      ti.queued = timeOf(r[7]);
      ti.started = timeOf(r[8]);
      ti.ended = timeOf(r[9]);
      if (!r[10].is_null()) ti.pool = r[10].as<std::string>();
      ti.poolSlots = intOf(r[11], 1);
      if (!r[12].is_null()) ti.queue = r[12].as<std::string>();
      ti.operatorName = textOf(r[13]);
      ti.hostname = textOf(r[14]);
      d.dags[it->second.first].runs[it->second.second].tis.push_back(std::move(ti));
    }
  }

  // The newest serialized version of each DAG read: its task graph, schedule and limits.
  void readSerialized(pqxx::transaction_base& tx, Deployment& d) {
    // 3.x keeps a row per DAG version: the newest (Airflow's ORDER BY created_at DESC).
    const std::string order = col(tx, "serialized_dag", "created_at", col(tx, "serialized_dag", "last_updated", "1"));
    const std::string compressed = col(tx, "serialized_dag", "data_compressed");
    const std::string sql = "SELECT DISTINCT ON (dag_id) dag_id, data::text, " + compressed + " FROM " +
                            qualified("serialized_dag") + " ORDER BY dag_id, " + order + " DESC";
    for (const auto& r : tx.exec(sql)) {
      auto it = index_.find(r[0].as<std::string>());
      if (it == index_.end()) continue;
      ObservedDag& dag = d.dags[it->second];
      const ObservedSchedule fromTable = dag.schedule;
      const int runs = dag.maxActiveRuns, tasks = dag.maxActiveTasks;
      try {
        // [core] compress_serialized_dags (2.3+): data is NULL, data_compressed zlib-compressed JSON.
        const std::string json = !r[1].is_null()   ? r[1].as<std::string>()
                                 : !r[2].is_null() ? inflate(pqxx::binarystring(r[2]).str())
                                                   : std::string();
        if (json.empty() || !readSerializedDag(Json::parse(json), dag)) continue;
      } catch (const std::exception&) {
        continue;  // unreadable: the graph is inferred
      }
      // The serialized timetable where it states one; the dag table's limits (serialization
      // leaves defaults out).
      if (dag.schedule.kind == ObservedSchedule::Kind::Unknown) dag.schedule = fromTable;
      if (runs > 0) dag.maxActiveRuns = runs;
      if (tasks > 0) dag.maxActiveTasks = tasks;
    }
    for (const ObservedDag& dag : d.dags)
      if (dag.graphInferred && !dag.runs.empty())
        d.notes.push_back("DAG " + dag.id + ": no readable serialized_dag row: task graph inferred");
  }

  void readPools(pqxx::transaction_base& tx, Deployment& d) {
    if (!hasTable(tx, "slot_pool")) return;
    for (const auto& r : tx.exec("SELECT pool, slots FROM " + qualified("slot_pool")))
      if (!r[0].is_null()) d.pools[r[0].as<std::string>()] = intOf(r[1], 0);
  }

  // The history the window started on: the metadata tables' rows from before it.
  void readHistoryRows(pqxx::transaction_base& tx, Deployment& d) {
    auto count = [&](const std::string& table, const std::string& column) {
      if (!hasTable(tx, table) || !columns(tx, table).count(column)) return;
      d.tableRows[table] =
          tx.exec_params("SELECT count(*) FROM " + qualified(table) + " WHERE " + column + " < to_timestamp($1)",
                         d.windowStart)[0][0]
              .as<double>();
    };
    count("task_instance", columns(tx, "task_instance").count("start_date") ? "start_date" : "execution_date");
    count("dag_run", "start_date");
    count("job", "start_date");
    count("log", "dttm");
    count("xcom", "timestamp");
  }

  pqxx::connection& c_;
  const DbImportRequest& req_;
  std::map<std::string, std::set<std::string>> columns_;
  std::map<std::string, size_t> index_;                                                // dag_id -> d.dags
  std::map<std::pair<std::string, std::string>, std::pair<size_t, size_t>> runIndex_;  // (dag, run_id) -> run
};

}  // namespace

Deployment readAirflowDb(const DbImportRequest& req) {
  std::unique_ptr<pqxx::connection> c;
  try {
    c = std::make_unique<pqxx::connection>(withConnectTimeout(req.url));
  } catch (const std::exception& e) {
    throw ImportError("cannot connect to " + maskPassword(req.url, req.url) + ": " + maskPassword(e.what(), req.url));
  }
  try {
    // Never writes: every transaction of this session is read only, and each statement is bounded.
    pqxx::nontransaction setup(*c);
    setup.exec("SET default_transaction_read_only = on");
    setup.exec("SET statement_timeout = " + std::to_string(static_cast<long long>(req.statementTimeout * 1000)));
    setup.commit();
    Reader reader(*c, req);
    Deployment d = reader.read();
    d.source = maskPassword(req.url, req.url) + (req.schema == "public" ? "" : " (schema " + req.schema + ")");
    return d;
  } catch (const pqxx::sql_error& e) {
    throw ImportError("reading the metadata database failed: " + maskPassword(e.what(), req.url) +
                      (e.query().empty() ? "" : " (in: " + e.query().substr(0, 200) + ")"));
  } catch (const pqxx::failure& e) {  // the connection lost midway, a value of an unexpected type
    throw ImportError("reading the metadata database failed: " + maskPassword(e.what(), req.url));
  }
}

}  // namespace schedlab
