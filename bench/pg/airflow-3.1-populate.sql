-- History shaped like a real Airflow 3.1 deployment: :dags DAGs of :tasks tasks in one bundle,
-- two versions each (the runs made on the newest), :runs runs each (dags * runs * tasks ~ :tis
-- task instances), all terminal except each DAG's newest run, which is running (its first task
-- running, the rest waiting). Task instance ids are UUIDs v7-like, ordered by run as uuid7's
-- creation time orders them: the run in the first 8 hex digits, the task and the DAG after the
-- version nibble (sim/pg/QueryShapes.cpp computes the same). One XCom return value per run; one
-- retried try in 50 (a task_instance_history row); a sensor's reschedules for one TI in 100; a
-- deadline per run for one DAG in 10; 200 Variables and 50 connections (encrypted); log rows only for the scheduler's own events (one in 20
-- TIs); jobs only for schedulers, DAG processors and triggerers. In one DAG in 10 the newest run's
-- task_02 is deferred on a time trigger (half of them not assigned to a triggerer yet). One asset
-- per 10 DAGs, each DAG scheduled on one of them; each asset has an event a minute (at least 100,
-- about one per 20 task instances in all; 512-byte JSON payloads, as apache/airflow#69848
-- measured with), and every other DAG has its asset queued. Usage as
-- airflow-1.10-populate.sql (-v tis dags tasks runs).
TRUNCATE alembic_version, deadline, task_reschedule, xcom, task_instance_history, task_instance, dag_run,
  serialized_dag, dag_code, dag_version, job, dag, dag_bundle, slot_pool, log, log_template, trigger,
  asset_active, asset, variable, connection, asset_alias, asset_event, asset_alias_asset_event, asset_trigger,
  dag_schedule_asset_reference, dag_schedule_asset_alias_reference, dag_schedule_asset_name_reference,
  dag_schedule_asset_uri_reference, asset_dag_run_queue, dagrun_asset_event RESTART IDENTITY CASCADE;
INSERT INTO alembic_version VALUES ('cc92b33c6709');
INSERT INTO dag_bundle (name, active, last_refreshed) VALUES ('dags-folder', true, now());
INSERT INTO log_template (filename, elasticsearch_id, created_at)
  VALUES ('dag_id={{ ti.dag_id }}/run_id={{ ti.run_id }}/task_id={{ ti.task_id }}/attempt={{ try_number }}.log',
          '{dag_id}-{task_id}-{run_id}-{map_index}-{try_number}', now());
INSERT INTO slot_pool (pool, slots, description, include_deferred) VALUES ('default_pool', 128, 'Default pool', false);
INSERT INTO dag (dag_id, is_paused, is_stale, last_parsed_time, last_parse_duration, fileloc, relative_fileloc,
                 bundle_name, owners, timetable_summary, max_active_tasks, max_active_runs,
                 max_consecutive_failed_dag_runs, has_task_concurrency_limits, next_dagrun, next_dagrun_create_after,
                 deadline)
  SELECT 'dag_' || d, false, false, now(), 0.4, '/dags/dag_' || d || '.py', 'dag_' || d || '.py', 'dags-folder',
         'airflow', '@hourly', 16, 16, 0, false,
         timestamptz '2020-01-01' + (:runs + 1) * interval '1 hour', timestamptz '2020-01-01' + (:runs + 2) * interval '1 hour',
         CASE WHEN d % 10 = 0 THEN '[{"reference": "DagRunQueuedAtDeadline", "interval": 3600}]'::json END
  FROM generate_series(1, :dags) d;
INSERT INTO dag_version (id, version_number, dag_id, bundle_name, created_at, last_updated)
  SELECT (lpad(to_hex(v), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(d), 12, '0'))::uuid, v, 'dag_' || d,
         'dags-folder', timestamptz '2019-12-01' + v * interval '1 day', timestamptz '2019-12-01' + v * interval '1 day'
  FROM generate_series(1, :dags) d, generate_series(1, 2) v;
-- A serialized 40-task DAG is tens of kB of JSON: about 600 bytes a task.
INSERT INTO serialized_dag (id, dag_id, data, created_at, last_updated, dag_hash, dag_version_id)
  SELECT gen_random_uuid(), dv.dag_id,
         json_build_object('__version', 3, 'dag', json_build_object('dag_id', dv.dag_id, 'timetable',
           json_build_object('__type', 'airflow.timetables.trigger.CronTriggerTimetable', '__var',
                             json_build_object('expression', '0 * * * *', 'timezone', 'UTC', 'interval', 0.0)),
           'tasks',
           -- Operators wrapped as 3.x writes them; a chain, downstream_task_ids left out when empty.
           (SELECT json_agg(json_build_object('__type', 'operator', '__var',
                              CASE WHEN t < :tasks
                                THEN json_build_object('task_id', 'task_' || lpad(t::text, 2, '0'), 'task_type', 'BashOperator',
                                                       'bash_command', repeat('echo ' || t || '; ', 40), 'retries', 1,
                                                       'downstream_task_ids', json_build_array('task_' || lpad((t + 1)::text, 2, '0')))
                                ELSE json_build_object('task_id', 'task_' || lpad(t::text, 2, '0'), 'task_type', 'BashOperator',
                                                       'bash_command', repeat('echo ' || t || '; ', 40), 'retries', 1) END)
                            ORDER BY t)
              FROM generate_series(1, :tasks) t))),
         dv.created_at, dv.created_at, md5(dv.id::text), dv.id
  FROM dag_version dv;
INSERT INTO dag_code (id, dag_id, fileloc, created_at, last_updated, source_code, source_code_hash, dag_version_id)
  SELECT gen_random_uuid(), dv.dag_id, '/dags/' || dv.dag_id || '.py', dv.created_at, dv.created_at,
         repeat('# a DAG file of :tasks BashOperator tasks' || chr(10), 60), md5(dv.dag_id), dv.id
  FROM dag_version dv;
INSERT INTO dag_run (dag_id, queued_at, logical_date, start_date, end_date, state, run_id, run_type, triggered_by,
                     data_interval_start, data_interval_end, run_after, last_scheduling_decision, log_template_id,
                     updated_at, created_dag_version_id)
  SELECT 'dag_' || d, timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour',
         timestamptz '2020-01-01' + r * interval '1 hour',
         CASE WHEN r = :runs THEN NULL ELSE timestamptz '2020-01-01' + r * interval '1 hour' + interval '10 minutes' END,
         CASE WHEN r = :runs THEN 'running' ELSE 'success' END,
         'scheduled__' || r, 'scheduled', 'timetable', timestamptz '2020-01-01' + (r - 1) * interval '1 hour',
         timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour',
         timestamptz '2020-01-01' + r * interval '1 hour' + interval '10 minutes', 1,
         timestamptz '2020-01-01' + r * interval '1 hour' + interval '10 minutes',
         (lpad(to_hex(2), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(d), 12, '0'))::uuid
  FROM generate_series(1, :dags) d, generate_series(1, :runs) r;
-- Task-major order, as in airflow-1.10-populate.sql: a run's task instances on different pages.
INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, start_date, end_date, duration, state,
                           try_number, max_tries, hostname, unixname, pool, pool_slots, queue, priority_weight,
                           operator, queued_dttm, scheduled_dttm, queued_by_job_id, last_heartbeat_at, pid, executor,
                           updated_at, dag_version_id)
  SELECT (lpad(to_hex(r), 8, '0') || '-0000-7' || lpad(to_hex(t), 3, '0') || '-8000-' || lpad(to_hex(d), 12, '0'))::uuid,
         'task_' || lpad(t::text, 2, '0'), 'dag_' || d, 'scheduled__' || r, -1,
         timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour' + interval '1 minute', 60,
         CASE WHEN r < :runs THEN 'success' WHEN t = 1 THEN 'running' ELSE NULL END,
         CASE WHEN (d + r + t) % 50 = 0 THEN 2 ELSE 1 END, 1, 'worker-1', 'airflow', 'default_pool', 1, 'default', 1,
         'BashOperator', timestamptz '2020-01-01' + r * interval '1 hour', timestamptz '2020-01-01' + r * interval '1 hour',
         1, timestamptz '2020-01-01' + r * interval '1 hour' + interval '55 seconds', 4242, 'CeleryExecutor',
         timestamptz '2020-01-01' + r * interval '1 hour' + interval '1 minute',
         (lpad(to_hex(2), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(d), 12, '0'))::uuid
  FROM generate_series(1, :dags) d, generate_series(1, :runs) r, generate_series(1, :tasks) t
  ORDER BY t, r, d;
-- The first try of each retried task instance, under the id it had then.
INSERT INTO task_instance_history (task_instance_id, task_id, dag_id, run_id, map_index, try_number, start_date,
                                   end_date, duration, state, max_tries, hostname, unixname, pool, pool_slots, queue,
                                   priority_weight, operator, queued_dttm, scheduled_dttm, queued_by_job_id, pid,
                                   executor, updated_at, dag_version_id)
  SELECT gen_random_uuid(), task_id, dag_id, run_id, map_index, 1, start_date - interval '5 minutes',
         end_date - interval '5 minutes', 60, 'failed', max_tries, hostname, unixname, pool, pool_slots, queue,
         priority_weight, operator, queued_dttm, scheduled_dttm, queued_by_job_id, pid, executor, updated_at, dag_version_id
  FROM task_instance WHERE try_number = 2;
INSERT INTO task_reschedule (ti_id, start_date, end_date, duration, reschedule_date)
  SELECT id, start_date + k * interval '1 minute', start_date + k * interval '1 minute' + interval '1 second', 1,
         start_date + (k + 1) * interval '1 minute'
  FROM task_instance, generate_series(1, 3) k WHERE task_id = 'task_01' AND dag_id LIKE '%0' AND run_id <> 'scheduled__' || :runs;
INSERT INTO job (dag_id, state, job_type, start_date, end_date, latest_heartbeat, hostname)
  SELECT NULL, CASE WHEN j = 1 THEN 'running' ELSE 'success' END,
         (ARRAY['SchedulerJob', 'DagProcessorJob', 'TriggererJob'])[1 + j % 3], now(), now(), now(), 'scheduler-1'
  FROM generate_series(1, 300) j;
INSERT INTO log (dttm, dag_id, task_id, map_index, event, logical_date, run_id, owner, try_number)
  SELECT now(), 'dag_' || (j % :dags + 1), 'task_01', -1, 'state mismatch', now(), 'scheduled__1', 'airflow', 1
  FROM generate_series(1, greatest(1, :tis / 20)) j;
INSERT INTO xcom (dag_run_id, task_id, map_index, key, dag_id, run_id, value, timestamp)
  SELECT dr.id, 'task_01', -1, 'return_value', dr.dag_id, dr.run_id, '"ok"'::jsonb, now() FROM dag_run dr;
INSERT INTO deadline (id, dagrun_id, deadline_time, callback, callback_state)
  SELECT gen_random_uuid(), dr.id,
         CASE WHEN dr.state = 'running' THEN now() + interval '1 hour' ELSE dr.run_after + interval '1 hour' END,
         '{"path": "callbacks.notify", "kwargs": {}}'::json, CASE WHEN dr.state = 'running' THEN NULL ELSE 'success' END
  FROM dag_run dr JOIN dag ON dag.dag_id = dr.dag_id WHERE dag.deadline IS NOT NULL;
INSERT INTO variable (key, val, is_encrypted)
  SELECT 'var_' || v, 'gAAAAAB' || repeat(md5(v::text), 3), true FROM generate_series(1, 200) v;
INSERT INTO connection (conn_id, conn_type, host, schema, login, password, port, is_encrypted, is_extra_encrypted, extra)
  SELECT 'conn_' || c, 'postgres', 'db-' || c || '.internal', 'analytics', 'etl', 'gAAAAAB' || md5(c::text), 5432,
         true, true, 'gAAAAAB' || repeat(md5(c::text), 2)
  FROM generate_series(1, 50) c;
INSERT INTO trigger (classpath, kwargs, created_date, triggerer_id)
  SELECT 'airflow.providers.standard.triggers.temporal.DateTimeTrigger',
         'gAAAAAB' || repeat(md5(d::text), 4), timestamptz '2020-01-01' + :runs * interval '1 hour',
         CASE WHEN d % 20 = 0 THEN 1 END
  FROM generate_series(10, :dags, 10) d;
UPDATE task_instance ti SET state = 'deferred', trigger_id = t.id, next_method = 'execute_complete',
    next_kwargs = '{}'::json, trigger_timeout = timestamptz '2020-01-01' + (:runs + 1) * interval '1 hour'
  FROM trigger t
  WHERE ti.dag_id = 'dag_' || (t.id * 10) AND ti.task_id = 'task_02' AND ti.run_id = 'scheduled__' || :runs;
INSERT INTO asset (name, uri, "group", extra, created_at, updated_at)
  SELECT 'asset_' || a, 's3://bucket/asset_' || a, 'asset', '{}', now(), now()
  FROM generate_series(1, greatest(1, :dags / 10)) a;
INSERT INTO asset_active (name, uri) SELECT name, uri FROM asset;
INSERT INTO dag_schedule_asset_reference (asset_id, dag_id, created_at, updated_at)
  SELECT (d - 1) % greatest(1, :dags / 10) + 1, 'dag_' || d, now(), now() FROM generate_series(1, :dags) d;
INSERT INTO asset_event (asset_id, extra, source_task_id, source_dag_id, source_run_id, source_map_index, timestamp)
  SELECT a, json_build_object('payload', repeat('x', 500)), 'task_40', 'dag_' || a, 'scheduled__' || (j / 60 + 1), -1,
         timestamptz '2020-01-01' + j * interval '1 minute'
  FROM generate_series(1, greatest(1, :dags / 10)) a,
       generate_series(1, greatest(100, :tis / 20 / greatest(1, :dags / 10))) j
  ORDER BY j, a;
INSERT INTO asset_dag_run_queue (asset_id, target_dag_id, created_at)
  SELECT asset_id, dag_id, timestamptz '2020-01-01' + :runs * interval '1 hour' FROM dag_schedule_asset_reference
  WHERE substr(dag_id, 5)::int % 2 = 0;
VACUUM ANALYZE;
