-- Airflow 2.5.2's metadata tables the scheduler touches, with their real keys and indexes
-- (airflow/models/{taskinstance,dagrun,dag,pool,xcom,log}.py, airflow/jobs/base_job.py at 2.5.2):
-- task instances keyed by run_id and map_index, dag_run's partial indexes for running and queued
-- runs, the dag table's next_dagrun fields that dags_needing_dagruns reads; the serialized DAGs
-- (airflow/models/serialized_dag.py) and the migration head 2.5 leaves in alembic_version.
DROP TABLE IF EXISTS alembic_version, serialized_dag, xcom, task_instance, dag_run, job, dag, slot_pool, log CASCADE;

CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version VALUES ('290244fb8b83');

CREATE TABLE dag (
  dag_id varchar(250) PRIMARY KEY, root_dag_id varchar(250), is_paused boolean, is_subdag boolean,
  is_active boolean, last_parsed_time timestamptz, last_pickled timestamptz, last_expired timestamptz,
  scheduler_lock boolean, pickle_id integer, fileloc varchar(2000), processor_subdir varchar(2000),
  owners varchar(2000), description text, default_view varchar(25), schedule_interval text,
  timetable_description varchar(1000), max_active_tasks integer NOT NULL, max_active_runs integer,
  has_task_concurrency_limits boolean NOT NULL, has_import_errors boolean DEFAULT false,
  next_dagrun timestamptz, next_dagrun_data_interval_start timestamptz,
  next_dagrun_data_interval_end timestamptz, next_dagrun_create_after timestamptz);
CREATE INDEX idx_root_dag_id ON dag (root_dag_id);
CREATE INDEX idx_next_dagrun_create_after ON dag (next_dagrun_create_after);

CREATE TABLE dag_run (
  id serial PRIMARY KEY, dag_id varchar(250) NOT NULL, queued_at timestamptz,
  execution_date timestamptz NOT NULL, start_date timestamptz, end_date timestamptz, state varchar(50),
  run_id varchar(250) NOT NULL, creating_job_id integer, external_trigger boolean, run_type varchar(50) NOT NULL,
  conf bytea, data_interval_start timestamptz, data_interval_end timestamptz,
  last_scheduling_decision timestamptz, dag_hash varchar(32), log_template_id integer, updated_at timestamptz,
  CONSTRAINT dag_run_dag_id_execution_date_key UNIQUE (dag_id, execution_date),
  CONSTRAINT dag_run_dag_id_run_id_key UNIQUE (dag_id, run_id));
CREATE INDEX dag_id_state ON dag_run (dag_id, state);
CREATE INDEX idx_dag_run_dag_id ON dag_run (dag_id);
CREATE INDEX idx_last_scheduling_decision ON dag_run (last_scheduling_decision);
CREATE INDEX idx_dag_run_running_dags ON dag_run (state, dag_id) WHERE state = 'running';
CREATE INDEX idx_dag_run_queued_dags ON dag_run (state, dag_id) WHERE state = 'queued';

CREATE TABLE task_instance (
  task_id varchar(250) NOT NULL, dag_id varchar(250) NOT NULL, run_id varchar(250) NOT NULL,
  map_index integer NOT NULL DEFAULT -1,
  start_date timestamptz, end_date timestamptz, duration float,
  state varchar(20), try_number integer, max_tries integer DEFAULT -1,
  hostname varchar(1000), unixname varchar(1000), job_id integer,
  pool varchar(256) NOT NULL, pool_slots integer NOT NULL, queue varchar(256),
  priority_weight integer, operator varchar(1000), queued_dttm timestamptz, queued_by_job_id integer,
  pid integer, executor_config bytea, external_executor_id varchar(250), trigger_id integer,
  trigger_timeout timestamp, next_method varchar(1000), next_kwargs json, updated_at timestamptz,
  CONSTRAINT task_instance_pkey PRIMARY KEY (dag_id, task_id, run_id, map_index),
  CONSTRAINT task_instance_dag_run_fkey FOREIGN KEY (dag_id, run_id)
    REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE);
CREATE INDEX ti_dag_state ON task_instance (dag_id, state);
CREATE INDEX ti_dag_run ON task_instance (dag_id, run_id);
CREATE INDEX ti_state ON task_instance (state);
CREATE INDEX ti_state_lkp ON task_instance (dag_id, task_id, run_id, state);
CREATE INDEX ti_pool ON task_instance (pool, state, priority_weight);
CREATE INDEX ti_job_id ON task_instance (job_id);
CREATE INDEX ti_trigger_id ON task_instance (trigger_id);

CREATE TABLE job (
  id serial PRIMARY KEY, dag_id varchar(250), state varchar(20), job_type varchar(30),
  start_date timestamptz, end_date timestamptz, latest_heartbeat timestamptz,
  executor_class varchar(500), hostname varchar(500), unixname varchar(1000));
CREATE INDEX job_type_heart ON job (job_type, latest_heartbeat);
CREATE INDEX idx_job_state_heartbeat ON job (state, latest_heartbeat);
CREATE INDEX idx_job_dag_id ON job (dag_id);

CREATE TABLE slot_pool (id serial PRIMARY KEY, pool varchar(256) UNIQUE, slots integer, description text);

CREATE TABLE xcom (
  dag_run_id integer NOT NULL, task_id varchar(250) NOT NULL, map_index integer NOT NULL DEFAULT -1,
  key varchar(512) NOT NULL, dag_id varchar(250) NOT NULL, run_id varchar(250) NOT NULL,
  value bytea, timestamp timestamptz NOT NULL,
  CONSTRAINT xcom_pkey PRIMARY KEY (dag_run_id, task_id, map_index, key),
  CONSTRAINT xcom_task_instance_fkey FOREIGN KEY (dag_id, task_id, run_id, map_index)
    REFERENCES task_instance (dag_id, task_id, run_id, map_index) ON DELETE CASCADE);
CREATE INDEX idx_xcom_key ON xcom (key);
CREATE INDEX idx_xcom_task_instance ON xcom (dag_id, task_id, run_id, map_index);

CREATE TABLE log (
  id serial PRIMARY KEY, dttm timestamptz, dag_id varchar(250), task_id varchar(250), map_index integer,
  event varchar(30), execution_date timestamptz, owner varchar(500), extra text);
CREATE INDEX idx_log_dag ON log (dag_id);
CREATE INDEX idx_log_event ON log (event);

CREATE TABLE serialized_dag (
  dag_id varchar(250) PRIMARY KEY, fileloc varchar(2000) NOT NULL, fileloc_hash bigint NOT NULL, data json,
  data_compressed bytea, last_updated timestamptz NOT NULL, dag_hash varchar(32) NOT NULL,
  processor_subdir varchar(2000));
CREATE INDEX idx_fileloc_hash ON serialized_dag (fileloc_hash);
