-- Airflow 1.10.12's metadata tables the scheduler touches, with their real keys and indexes
-- (airflow/models/{taskinstance,dagrun,dag,pool,xcom,log}.py, airflow/jobs/base_job.py), and the
-- migration head 1.10.12 leaves in alembic_version.
DROP TABLE IF EXISTS alembic_version, task_instance, dag_run, job, dag, slot_pool, xcom, log;

CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version VALUES ('da3f683c3a5a');

CREATE TABLE task_instance (
  task_id varchar(250) NOT NULL,
  dag_id varchar(250) NOT NULL,
  execution_date timestamptz NOT NULL,
  start_date timestamptz, end_date timestamptz, duration float,
  state varchar(20), try_number integer, max_tries integer DEFAULT -1,
  hostname varchar(1000), unixname varchar(1000), job_id integer,
  pool varchar(50) NOT NULL, pool_slots integer DEFAULT 1, queue varchar(256),
  priority_weight integer, operator varchar(1000), queued_dttm timestamptz, pid integer,
  executor_config bytea,
  PRIMARY KEY (task_id, dag_id, execution_date));
CREATE INDEX ti_dag_state ON task_instance (dag_id, state);
CREATE INDEX ti_dag_date ON task_instance (dag_id, execution_date);
CREATE INDEX ti_state ON task_instance (state);
CREATE INDEX ti_state_lkp ON task_instance (dag_id, task_id, execution_date, state);
CREATE INDEX ti_pool ON task_instance (pool, state, priority_weight);
CREATE INDEX ti_job_id ON task_instance (job_id);

CREATE TABLE dag_run (
  id serial PRIMARY KEY, dag_id varchar(250), execution_date timestamptz, state varchar(50),
  run_id varchar(250), external_trigger boolean, conf bytea, end_date timestamptz, start_date timestamptz,
  UNIQUE (dag_id, execution_date), UNIQUE (dag_id, run_id));
CREATE INDEX dag_id_state ON dag_run (dag_id, state);

CREATE TABLE job (
  id serial PRIMARY KEY, dag_id varchar(250), state varchar(20), job_type varchar(30),
  start_date timestamptz, end_date timestamptz, latest_heartbeat timestamptz,
  executor_class varchar(500), hostname varchar(500), unixname varchar(1000));
CREATE INDEX job_type_heart ON job (job_type, latest_heartbeat);
CREATE INDEX idx_job_state_heartbeat ON job (state, latest_heartbeat);

CREATE TABLE dag (
  dag_id varchar(250) PRIMARY KEY, root_dag_id varchar(250), is_paused boolean, is_subdag boolean,
  is_active boolean, last_scheduler_run timestamptz, last_pickled timestamptz, last_expired timestamptz,
  scheduler_lock boolean, pickle_id integer, fileloc varchar(2000), owners varchar(2000),
  description text, default_view varchar(25), schedule_interval text);

CREATE TABLE slot_pool (id serial PRIMARY KEY, pool varchar(256) UNIQUE, slots integer, description text);

CREATE TABLE xcom (
  id serial PRIMARY KEY, key varchar(512), value bytea, timestamp timestamptz NOT NULL,
  execution_date timestamptz NOT NULL, task_id varchar(250) NOT NULL, dag_id varchar(250) NOT NULL);
CREATE INDEX idx_xcom_dag_task_date ON xcom (dag_id, task_id, execution_date);

CREATE TABLE log (
  id serial PRIMARY KEY, dttm timestamptz, dag_id varchar(250), task_id varchar(250), event varchar(30),
  execution_date timestamptz, owner varchar(500), extra text);
CREATE INDEX idx_log_dag ON log (dag_id);
