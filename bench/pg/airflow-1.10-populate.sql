-- History shaped like a real deployment: :dags DAGs of :tasks tasks, enough runs for :tis task
-- instances, all terminal except each DAG's newest run, which is running (its first task
-- running, the rest waiting). :runs runs per DAG, so that dags * runs * tasks ~ tis.
-- Usage: psql -v tis=100000 -v dags=200 -v tasks=40 -v runs=12 -f airflow-1.10-populate.sql
-- (schedlab substitutes the same :names itself).
TRUNCATE task_instance, dag_run, job, dag, slot_pool, xcom, log RESTART IDENTITY;
INSERT INTO slot_pool (pool, slots) VALUES ('default_pool', 128);
INSERT INTO dag (dag_id, is_paused, is_subdag, is_active, fileloc, schedule_interval)
  SELECT 'dag_' || d, false, false, true, '/dags/dag_' || d || '.py', '"@hourly"' FROM generate_series(1, :dags) d;
INSERT INTO dag_run (dag_id, execution_date, state, run_id, external_trigger, start_date, end_date)
  SELECT 'dag_' || d, timestamptz '2020-01-01' + r * interval '1 hour',
         CASE WHEN r = :runs THEN 'running' ELSE 'success' END,
         'scheduled__' || r, false, timestamptz '2020-01-01' + r * interval '1 hour',
         timestamptz '2020-01-01' + r * interval '1 hour' + interval '10 minutes'
  FROM generate_series(1, :dags) d, generate_series(1, :runs) r;
-- Task-major order: a run's task instances lie on different heap pages, as in a live DB, where
-- every state change writes a row's new version wherever there is room (state is indexed, so no
-- update stays on its page).
INSERT INTO task_instance (task_id, dag_id, execution_date, start_date, end_date, duration, state,
                           try_number, max_tries, hostname, unixname, job_id, pool, queue,
                           priority_weight, operator)
  SELECT 'task_' || lpad(t::text, 2, '0'), 'dag_' || d, timestamptz '2020-01-01' + r * interval '1 hour',
         timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour' + interval '1 minute', 60,
         CASE WHEN r < :runs THEN 'success' WHEN t = 1 THEN 'running' ELSE NULL END,
         1, 0, 'worker-1', 'airflow', (d * 100000 + r * 100 + t), 'default_pool', 'default', 1, 'BashOperator'
  FROM generate_series(1, :dags) d, generate_series(1, :runs) r, generate_series(1, :tasks) t
  ORDER BY t, r, d;
INSERT INTO job (dag_id, state, job_type, start_date, end_date, latest_heartbeat, hostname)
  SELECT 'dag_' || (j % :dags + 1), 'success', 'LocalTaskJob', now(), now(), now(), 'worker-1'
  FROM generate_series(1, :tis) j;
INSERT INTO log (dttm, dag_id, task_id, event, execution_date, owner)
  SELECT now(), 'dag_' || (j % :dags + 1), 'task_01', 'success', now(), 'airflow' FROM generate_series(1, :tis) j;
INSERT INTO xcom (key, value, timestamp, execution_date, task_id, dag_id)
  SELECT 'return_value', '\x00', now(), now(), 'task_01', 'dag_' || (j % :dags + 1) FROM generate_series(1, :tis / 10) j;
VACUUM ANALYZE;
