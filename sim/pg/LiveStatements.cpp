#include "pg/LiveStatements.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace schedlab {
namespace {

using P = LiveParam;

// A run's rows: the DAG and the execution date its number stands for.
const std::string kRun = "execution_date = $2::timestamptz";
const std::string kTi = "dag_id = $1 AND " + kRun + " AND task_id = $3";
const std::string kRunTis = "SELECT * FROM task_instance WHERE dag_id = $1 AND " + kRun;
const std::string kFinished = "('success', 'failed', 'upstream_failed', 'skipped')";
// The task instances of a batch, as three parallel arrays.
const std::string kBatch =
    "unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(dag_id, task_id, execution_date) WHERE ti.dag_id = "
    "k.dag_id AND ti.task_id = k.task_id AND ti.execution_date = k.execution_date";
const std::vector<P> kTiParams = {P::DagId, P::Run, P::TaskId};
const std::vector<P> kRunParams = {P::DagId, P::Run};
const std::vector<P> kBatchParams = {P::DagIds, P::TaskIdList, P::RunList};

using StatementTable = std::array<std::vector<LiveStatement>, kQueryTypeCount>;

// The main loop (SchedulerJob._execute_helper), and what both loops send.
void mainLoopStatements(StatementTable& t) {
  auto set = [&](QueryType type, std::vector<LiveStatement> s) { t[static_cast<size_t>(type)] = std::move(s); };
  set(QueryType::TisWithoutDagrun,
      {{"SELECT ti.task_id, ti.dag_id, ti.execution_date FROM task_instance ti LEFT OUTER JOIN dag_run dr ON "
        "dr.dag_id = ti.dag_id AND dr.execution_date = ti.execution_date WHERE ti.state IN ('queued', 'scheduled', "
        "'up_for_reschedule') AND (dr.state IS NULL OR dr.state <> 'running')",
        {}}});
  set(QueryType::FindScheduledTis,
      {{"SELECT ti.* FROM task_instance ti LEFT OUTER JOIN dag_run dr ON dr.dag_id = ti.dag_id AND dr.execution_date "
        "= ti.execution_date LEFT OUTER JOIN dag d ON d.dag_id = ti.dag_id WHERE ti.state = 'scheduled' AND "
        "(dr.run_id IS NULL OR dr.run_id NOT LIKE 'backfill\\_%') AND (d.dag_id IS NULL OR NOT d.is_paused)",
        {}}});
  set(QueryType::SelectPools, {{"SELECT * FROM slot_pool", {}}});
  set(QueryType::ConcurrencyCounts,
      {{"SELECT task_id, dag_id, count(*) FROM task_instance WHERE state IN ('running', 'queued') GROUP BY task_id, "
        "dag_id",
        {}}});
  set(QueryType::PoolOpenSlots,
      {{"SELECT coalesce(sum(pool_slots), 0) FROM task_instance WHERE pool = 'default_pool' AND state IN ('running', "
        "'queued')",
        {}}});
  set(QueryType::LockAndQueueTis,
      {{"SELECT ti.* FROM task_instance ti, " + kBatch + " FOR UPDATE OF ti", kBatchParams},
       {"UPDATE task_instance ti SET state = 'queued', queued_dttm = now() FROM " + kBatch, kBatchParams}});
  set(QueryType::ExecutorEvents, {{"SELECT * FROM task_instance WHERE " + kTi, kTiParams}});
  set(QueryType::SchedulerHeartbeat, {{"UPDATE job SET latest_heartbeat = now() WHERE id = 1", {}}});
  // reset_state_for_orphaned_tasks: scheduled and queued TIs of running runs, reset to NONE.
  set(QueryType::AdoptOrResetOrphans,
      {{"UPDATE job SET state = 'failed' WHERE job_type = 'SchedulerJob' AND state = 'running' AND latest_heartbeat < "
        "now() - interval '30 seconds'",
        {}},
       {"SELECT ti.task_id, ti.dag_id, ti.execution_date FROM task_instance ti JOIN dag_run dr ON dr.dag_id = "
        "ti.dag_id "
        "AND dr.execution_date = ti.execution_date WHERE dr.state = 'running' AND ti.state IN ('scheduled', 'queued') "
        "FOR UPDATE OF ti",
        {}},
       {"UPDATE task_instance ti SET state = NULL FROM " + kBatch, kBatchParams}});
}

// DAG-file processing (DagFileProcessor.process_file).
void processorStatements(StatementTable& t) {
  auto set = [&](QueryType type, std::vector<LiveStatement> s) { t[static_cast<size_t>(type)] = std::move(s); };
  set(QueryType::SyncDag, {{"SELECT * FROM dag WHERE dag_id = $1", {P::DagId}},
                           {"UPDATE dag SET last_scheduler_run = now() WHERE dag_id = $1", {P::DagId}}});
  set(QueryType::GetPausedDags, {{"SELECT dag_id FROM dag WHERE is_paused AND dag_id = $1", {P::DagId}}});
  set(QueryType::CreateDagRunChecks,
      {{"SELECT max(execution_date) FROM dag_run WHERE dag_id = $1 AND (external_trigger = false OR run_id LIKE "
        "'scheduled\\_\\_%')",
        {P::DagId}}});
  set(QueryType::FindRunningDagRuns,
      {{"SELECT * FROM dag_run WHERE dag_id = $1 AND state = 'running' AND external_trigger = false", {P::DagId}}});
  set(QueryType::VerifyIntegrity, {{kRunTis, kRunParams}});
  set(QueryType::UpdateStateSelectTis, {{kRunTis, kRunParams}});
  set(QueryType::UpdateStateUnfinished,
      {{kRunTis + " AND (state IS NULL OR state NOT IN " + kFinished + ")", kRunParams}});
  set(QueryType::TiCurrentState, {{"SELECT state FROM task_instance WHERE " + kTi, kTiParams}});
  set(QueryType::TriggerRuleDep,
      {{"SELECT sum(CASE WHEN state = 'success' THEN 1 ELSE 0 END), sum(CASE WHEN state = 'skipped' THEN 1 ELSE 0 "
        "END), sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), sum(CASE WHEN state = 'upstream_failed' THEN 1 ELSE "
        "0 END), count(task_id) FROM task_instance WHERE dag_id = $1 AND task_id = ANY($3::text[]) AND " +
            kRun + " AND state IN " + kFinished,
        {P::DagId, P::Run, P::Upstream}}});
  set(QueryType::NotPreviouslySkippedDep, {{kRunTis + " AND state IN " + kFinished, kRunParams}});
  set(QueryType::PrevDagrunDep, {{"SELECT * FROM task_instance WHERE " + kTi, {P::DagId, P::PreviousRun, P::TaskId}}});
  set(QueryType::SchedulableTisSelect,
      {{kRunTis + " AND (state IS NULL OR state IN ('none', 'up_for_retry', 'up_for_reschedule'))", kRunParams}});
  set(QueryType::DagRunUpdate,
      // DagRun.set_state: a run that finishes gets its end_date.
      {{"UPDATE dag_run SET state = $3::varchar, end_date = CASE WHEN $3::varchar IN ('success', 'failed') THEN "
        "coalesce(end_date, now()) END WHERE dag_id = $1 AND " +
            kRun,
        {P::DagId, P::Run, P::RunState}}});
  set(QueryType::TiLockForSchedule, {{"SELECT * FROM task_instance WHERE " + kTi + " FOR UPDATE", kTiParams}});
  set(QueryType::TiMergeScheduled, {{"UPDATE task_instance SET state = 'scheduled' WHERE " + kTi, kTiParams}});
  set(QueryType::MockExecutorSetState,
      {{"SELECT * FROM task_instance WHERE " + kTi, kTiParams},
       {"UPDATE task_instance SET state = 'success', start_date = coalesce(start_date, now()), end_date = now() "
        "WHERE " +
            kTi,
        kTiParams}});
  set(QueryType::DagRunInsert,
      {{"INSERT INTO dag_run (dag_id, execution_date, state, run_id, external_trigger, start_date) VALUES ($1, "
        "$2::timestamptz, 'running', $3::varchar, $3::varchar LIKE 'manual\\_\\_%', now())",
        {P::DagId, P::Run, P::RunId}},
       {"INSERT INTO task_instance (task_id, dag_id, execution_date, try_number, pool, pool_slots, queue, "
        "priority_weight, operator) SELECT t, $1, $2::timestamptz, 0, "
        "'default_pool', 1, 'default', 1, 'BashOperator' FROM unnest($3::text[]) AS t",
        {P::DagId, P::Run, P::TaskIds}}});
}

// Workers: LocalTaskJob and the raw task.
void workerStatements(StatementTable& t) {
  auto set = [&](QueryType type, std::vector<LiveStatement> s) { t[static_cast<size_t>(type)] = std::move(s); };
  set(QueryType::WorkerStart,
      {{"INSERT INTO job (id, dag_id, state, job_type, start_date, latest_heartbeat, hostname) VALUES ($2, $1, "
        "'running', 'LocalTaskJob', now(), now(), 'worker')",
        {P::DagId, P::JobId}},
       {"SELECT * FROM task_instance WHERE " + kTi + " FOR UPDATE", kTiParams},
       {"SELECT state FROM dag_run WHERE dag_id = $1 AND " + kRun, kRunParams},
       {"INSERT INTO log (dttm, dag_id, task_id, event, execution_date, owner) VALUES (now(), $1, $3, 'running', "
        "$2::timestamptz, 'airflow')",
        kTiParams},
       {"UPDATE task_instance SET state = 'running', start_date = now(), try_number = $4, hostname = 'worker', "
        "job_id = $5 WHERE " +
            kTi,
        {P::DagId, P::Run, P::TaskId, P::TryNumber, P::JobId}}});
  set(QueryType::WorkerFinish,
      {{"SELECT * FROM task_instance WHERE " + kTi + " FOR UPDATE", kTiParams},
       {"UPDATE task_instance SET state = $4, end_date = now(), duration = extract(epoch FROM now() - start_date) "
        "WHERE " +
            kTi,
        {P::DagId, P::Run, P::TaskId, P::EndState}},
       {"INSERT INTO log (dttm, dag_id, task_id, event, execution_date, owner) VALUES (now(), $1, $3, $4, "
        "$2::timestamptz, 'airflow')",
        {P::DagId, P::Run, P::TaskId, P::EndState}},
       {"UPDATE job SET state = 'success', end_date = now() WHERE id = $1", {P::JobId}}});
  // KEDA's poll (the Helm chart's workers.keda.query, worker_concurrency 16, its default).
  set(QueryType::KedaCount,
      {{"SELECT ceil(COUNT(*)::decimal / 16) FROM task_instance WHERE (state='running' OR state='queued')", {}}});
  set(QueryType::WorkerHeartbeat, {{"SELECT * FROM job WHERE id = 1", {}},
                                   {"SELECT state FROM job WHERE id = 1", {}},
                                   {"SELECT latest_heartbeat FROM job WHERE id = 1", {}},
                                   {"UPDATE job SET latest_heartbeat = now() WHERE id = 1", {}}});
}

StatementTable airflow110() {
  StatementTable t;
  mainLoopStatements(t);
  processorStatements(t);
  workerStatements(t);
  return t;
}

}  // namespace

const std::vector<LiveStatement>& liveStatements(QueryType type) {
  static const StatementTable t = airflow110();
  return t[static_cast<size_t>(type)];
}

std::string timestampLiteral(double seconds) {
  const double whole = std::floor(seconds);
  const auto t = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  const int micros = std::min(999999, static_cast<int>(std::lround((seconds - whole) * 1e6)));
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return buf;
}

std::string textArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

std::string withLiterals(pqxx::transaction_base& tx, const std::string& sql, const std::vector<std::string>& params) {
  std::string out;
  out.reserve(sql.size() + 64);
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '$' || i + 1 >= sql.size() || !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out += sql[i];
      continue;
    }
    size_t end = i + 1;
    while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
    const size_t n = std::stoul(sql.substr(i + 1, end - i - 1));
    if (n < 1 || n > params.size()) throw std::logic_error("live: statement has no argument $" + std::to_string(n));
    out += tx.quote(params[n - 1]);
    i = end - 1;
  }
  return out;
}

bool liveBatchQuery(QueryType type) { return type == QueryType::LockAndQueueTis; }

}  // namespace schedlab
