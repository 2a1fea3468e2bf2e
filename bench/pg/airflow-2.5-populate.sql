-- History shaped like a real Airflow 2.5 deployment: :dags DAGs of :tasks tasks, :runs runs each
-- (dags * runs * tasks ~ :tis task instances), all terminal except each DAG's newest run, which
-- is running (its first task running, the rest waiting); task instances keyed by run_id, one
-- XCom return value per run. Usage as airflow-1.10-populate.sql (-v tis dags tasks runs).
TRUNCATE serialized_dag, xcom, task_instance, dag_run, job, dag, slot_pool, log RESTART IDENTITY CASCADE;
INSERT INTO slot_pool (pool, slots, description) VALUES ('default_pool', 128, 'Default pool');
INSERT INTO dag (dag_id, is_paused, is_subdag, is_active, fileloc, schedule_interval, max_active_tasks,
                 max_active_runs, has_task_concurrency_limits, next_dagrun, next_dagrun_create_after)
  SELECT 'dag_' || d, false, false, true, '/dags/dag_' || d || '.py', '"@hourly"', 16, 16, false,
         timestamptz '2020-01-01' + (:runs + 1) * interval '1 hour', timestamptz '2020-01-01' + (:runs + 2) * interval '1 hour'
  FROM generate_series(1, :dags) d;
-- Each DAG serialized as 2.5 writes it (__version 1): its tasks a chain, task_01 first.
INSERT INTO serialized_dag (dag_id, fileloc, fileloc_hash, data, last_updated, dag_hash)
  SELECT 'dag_' || d, '/dags/dag_' || d || '.py', d,
         json_build_object('__version', 1, 'dag', json_build_object('_dag_id', 'dag_' || d, 'fileloc',
           '/dags/dag_' || d || '.py', 'schedule_interval', '@hourly', 'timezone', 'UTC', 'tasks',
           (SELECT json_agg(json_build_object('task_id', 'task_' || lpad(t::text, 2, '0'), '_task_type', 'BashOperator',
                                              '_task_module', 'airflow.operators.bash', 'pool', 'default_pool',
                                              'retries', 1, 'downstream_task_ids',
                                              CASE WHEN t < :tasks THEN json_build_array('task_' || lpad((t + 1)::text, 2, '0'))
                                                   ELSE json_build_array() END) ORDER BY t)
              FROM generate_series(1, :tasks) t))),
         now(), md5('dag_' || d)
  FROM generate_series(1, :dags) d;
INSERT INTO dag_run (dag_id, queued_at, execution_date, start_date, end_date, state, run_id, external_trigger,
                     run_type, data_interval_start, data_interval_end, last_scheduling_decision)
  SELECT 'dag_' || d, timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour',
         timestamptz '2020-01-01' + r * interval '1 hour',
         CASE WHEN r = :runs THEN NULL ELSE timestamptz '2020-01-01' + r * interval '1 hour' + interval '10 minutes' END,
         CASE WHEN r = :runs THEN 'running' ELSE 'success' END,
         'scheduled__' || r, false, 'scheduled', timestamptz '2020-01-01' + (r - 1) * interval '1 hour',
         timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour' + interval '10 minutes'
  FROM generate_series(1, :dags) d, generate_series(1, :runs) r;
-- Task-major order, as in airflow-1.10-populate.sql: a run's task instances on different pages.
INSERT INTO task_instance (task_id, dag_id, run_id, map_index, start_date, end_date, duration, state,
                           try_number, max_tries, hostname, unixname, job_id, pool, pool_slots, queue,
                           priority_weight, operator, updated_at)
  SELECT 'task_' || lpad(t::text, 2, '0'), 'dag_' || d, 'scheduled__' || r, -1,
         timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour' + interval '1 minute', 60,
         CASE WHEN r < :runs THEN 'success' WHEN t = 1 THEN 'running' ELSE NULL END,
         1, 0, 'worker-1', 'airflow', (d * 100000 + r * 100 + t), 'default_pool', 1, 'default', 1, 'BashOperator',
         timestamptz '2020-01-01' + r * interval '1 hour' + interval '1 minute'
  FROM generate_series(1, :dags) d, generate_series(1, :runs) r, generate_series(1, :tasks) t
  ORDER BY t, r, d;
INSERT INTO job (dag_id, state, job_type, start_date, end_date, latest_heartbeat, hostname)
  SELECT 'dag_' || (j % :dags + 1), 'success', 'LocalTaskJob', now(), now(), now(), 'worker-1'
  FROM generate_series(1, :tis) j;
INSERT INTO log (dttm, dag_id, task_id, map_index, event, execution_date, owner)
  SELECT now(), 'dag_' || (j % :dags + 1), 'task_01', -1, 'success', now(), 'airflow' FROM generate_series(1, :tis) j;
INSERT INTO xcom (dag_run_id, task_id, map_index, key, dag_id, run_id, value, timestamp)
  SELECT dr.id, 'task_01', -1, 'return_value', dr.dag_id, dr.run_id, '\x00', now() FROM dag_run dr;
VACUUM ANALYZE;
