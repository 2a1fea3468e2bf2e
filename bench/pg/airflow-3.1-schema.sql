-- Airflow 3.1.0's metadata tables the scheduler, the Execution API routes and the DAG processor
-- touch, with their real keys and indexes (airflow-core/src/airflow/models/{taskinstance,
-- taskinstancehistory,dagrun,dag,dag_version,serialized_dag,dagcode,xcom,log,pool,deadline,
-- taskreschedule,trigger,asset,dagbundle}.py and jobs/job.py at the commit 3.1.0 branched from,
-- a6352d9fe4): task instances keyed by a UUID (v7, a new one per try) with the 2.x key kept
-- unique, one task_instance_history row per try retried, DAG versions with their serialized DAG
-- and source, the deadline table the scheduler scans every loop, the schema's revision, and the
-- trigger and asset tables deferral and asset-driven scheduling use.
DROP TABLE IF EXISTS alembic_version, deadline, task_reschedule, xcom, task_instance_history, task_instance,
  dag_run, serialized_dag, dag_code, dag_version, job, dag, dag_bundle, slot_pool, log, log_template, trigger,
  asset_active, asset, variable, connection, asset_alias, asset_event, asset_alias_asset_event, asset_trigger,
  dag_schedule_asset_reference, dag_schedule_asset_alias_reference, dag_schedule_asset_name_reference,
  dag_schedule_asset_uri_reference, asset_dag_run_queue, dagrun_asset_event CASCADE;

-- airflow db migrate's head for 3.1.0 (utils/db.py _REVISION_HEADS_MAP, migration 0085).
CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));

CREATE TABLE dag_bundle (
  name varchar(250) PRIMARY KEY, active boolean, version varchar(200), last_refreshed timestamptz,
  signed_url_template varchar(200), template_params json);

CREATE TABLE log_template (id serial PRIMARY KEY, filename text NOT NULL, elasticsearch_id text NOT NULL,
  created_at timestamptz NOT NULL);

CREATE TABLE trigger (
  id serial PRIMARY KEY, classpath varchar(1000) NOT NULL, kwargs text NOT NULL, created_date timestamptz NOT NULL,
  triggerer_id integer);

CREATE TABLE dag (
  dag_id varchar(250) PRIMARY KEY, is_paused boolean, is_stale boolean, last_parsed_time timestamptz,
  last_parse_duration float, last_expired timestamptz, fileloc varchar(2000), relative_fileloc varchar(2000),
  bundle_name varchar(250) NOT NULL REFERENCES dag_bundle (name), bundle_version varchar(200),
  owners varchar(2000), dag_display_name varchar(2000), description text, timetable_summary text,
  timetable_description varchar(1000), asset_expression json, deadline json, max_active_tasks integer NOT NULL,
  max_active_runs integer, max_consecutive_failed_dag_runs integer NOT NULL,
  has_task_concurrency_limits boolean NOT NULL, has_import_errors boolean DEFAULT false,
  next_dagrun timestamptz, next_dagrun_data_interval_start timestamptz,
  next_dagrun_data_interval_end timestamptz, next_dagrun_create_after timestamptz);
CREATE INDEX idx_next_dagrun_create_after ON dag (next_dagrun_create_after);

CREATE TABLE dag_version (
  id uuid PRIMARY KEY, version_number integer NOT NULL,
  dag_id varchar(250) NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  bundle_name varchar(250), bundle_version varchar(250),
  created_at timestamptz NOT NULL, last_updated timestamptz NOT NULL,
  CONSTRAINT dag_id_v_name_v_number_unique_constraint UNIQUE (dag_id, version_number));

CREATE TABLE serialized_dag (
  id uuid PRIMARY KEY, dag_id varchar(250) NOT NULL, data json, data_compressed bytea,
  created_at timestamptz NOT NULL, last_updated timestamptz NOT NULL, dag_hash varchar(32) NOT NULL,
  dag_version_id uuid NOT NULL UNIQUE REFERENCES dag_version (id) ON DELETE CASCADE);

CREATE TABLE dag_code (
  id uuid PRIMARY KEY, dag_id varchar(250) NOT NULL, fileloc varchar(2000) NOT NULL,
  created_at timestamptz NOT NULL, last_updated timestamptz NOT NULL, source_code text NOT NULL,
  source_code_hash varchar(32) NOT NULL,
  dag_version_id uuid NOT NULL UNIQUE REFERENCES dag_version (id) ON DELETE CASCADE);

CREATE TABLE dag_run (
  id serial PRIMARY KEY, dag_id varchar(250) NOT NULL, queued_at timestamptz, logical_date timestamptz,
  start_date timestamptz, end_date timestamptz, state varchar(50), run_id varchar(250) NOT NULL,
  creating_job_id integer, run_type varchar(50) NOT NULL, triggered_by varchar(50), triggering_user_name varchar(512),
  conf jsonb, data_interval_start timestamptz, data_interval_end timestamptz, run_after timestamptz NOT NULL,
  last_scheduling_decision timestamptz, log_template_id integer REFERENCES log_template (id),
  updated_at timestamptz, clear_number integer NOT NULL DEFAULT 0, backfill_id integer, bundle_version varchar(250),
  scheduled_by_job_id integer, context_carrier json, span_status varchar(250) NOT NULL DEFAULT 'not_started',
  created_dag_version_id uuid REFERENCES dag_version (id) ON DELETE SET NULL,
  CONSTRAINT dag_run_dag_id_run_id_key UNIQUE (dag_id, run_id),
  CONSTRAINT dag_run_dag_id_logical_date_key UNIQUE (dag_id, logical_date));
CREATE INDEX dag_id_state ON dag_run (dag_id, state);
CREATE INDEX idx_dag_run_dag_id ON dag_run (dag_id);
CREATE INDEX idx_dag_run_run_after ON dag_run (run_after);
CREATE INDEX idx_dag_run_running_dags ON dag_run (state, dag_id) WHERE state = 'running';
CREATE INDEX idx_dag_run_queued_dags ON dag_run (state, dag_id) WHERE state = 'queued';

CREATE TABLE task_instance (
  id uuid NOT NULL, task_id varchar(250) NOT NULL, dag_id varchar(250) NOT NULL, run_id varchar(250) NOT NULL,
  map_index integer NOT NULL DEFAULT -1, start_date timestamptz, end_date timestamptz, duration float,
  state varchar(20), try_number integer, max_tries integer DEFAULT -1, hostname varchar(1000), unixname varchar(1000),
  pool varchar(256) NOT NULL, pool_slots integer NOT NULL, queue varchar(256), priority_weight integer,
  operator varchar(1000), custom_operator_name varchar(1000), queued_dttm timestamptz, scheduled_dttm timestamptz,
  queued_by_job_id integer, last_heartbeat_at timestamptz, pid integer, executor varchar(1000), executor_config bytea,
  updated_at timestamptz, rendered_map_index varchar(250), context_carrier json,
  span_status varchar(250) NOT NULL DEFAULT 'not_started', external_executor_id varchar(250),
  trigger_id integer, trigger_timeout timestamptz, next_method varchar(1000), next_kwargs json,
  task_display_name varchar(2000), dag_version_id uuid REFERENCES dag_version (id) ON DELETE RESTRICT,
  CONSTRAINT task_instance_pkey PRIMARY KEY (id),
  CONSTRAINT task_instance_composite_key UNIQUE (dag_id, task_id, run_id, map_index),
  CONSTRAINT task_instance_trigger_id_fkey FOREIGN KEY (trigger_id) REFERENCES trigger (id) ON DELETE CASCADE,
  CONSTRAINT task_instance_dag_run_fkey FOREIGN KEY (dag_id, run_id)
    REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE);
CREATE INDEX ti_dag_state ON task_instance (dag_id, state);
CREATE INDEX ti_dag_run ON task_instance (dag_id, run_id);
CREATE INDEX ti_state ON task_instance (state);
CREATE INDEX ti_state_lkp ON task_instance (dag_id, task_id, run_id, state);
CREATE INDEX ti_pool ON task_instance (pool, state, priority_weight);
CREATE INDEX ti_trigger_id ON task_instance (trigger_id);
CREATE INDEX ti_heartbeat ON task_instance (last_heartbeat_at);

CREATE TABLE task_instance_history (
  task_instance_id uuid PRIMARY KEY, task_id varchar(250) NOT NULL, dag_id varchar(250) NOT NULL,
  run_id varchar(250) NOT NULL, map_index integer NOT NULL DEFAULT -1, try_number integer NOT NULL,
  start_date timestamptz, end_date timestamptz, duration float, state varchar(20), max_tries integer DEFAULT -1,
  hostname varchar(1000), unixname varchar(1000), pool varchar(256) NOT NULL, pool_slots integer NOT NULL,
  queue varchar(256), priority_weight integer, operator varchar(1000), custom_operator_name varchar(1000),
  queued_dttm timestamptz, scheduled_dttm timestamptz, queued_by_job_id integer, pid integer, executor varchar(1000),
  executor_config bytea, updated_at timestamptz, rendered_map_index varchar(250), context_carrier json,
  span_status varchar(250) NOT NULL DEFAULT 'not_started', external_executor_id varchar(250), trigger_id integer,
  trigger_timeout timestamp, next_method varchar(1000), next_kwargs json, task_display_name varchar(2000),
  dag_version_id uuid,
  CONSTRAINT task_instance_history_ti_fkey FOREIGN KEY (dag_id, task_id, run_id, map_index)
    REFERENCES task_instance (dag_id, task_id, run_id, map_index) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT task_instance_history_dtrt_uq UNIQUE (dag_id, task_id, run_id, map_index, try_number));
CREATE INDEX idx_tih_dag_run ON task_instance_history (dag_id, run_id);

CREATE TABLE task_reschedule (
  id serial PRIMARY KEY,
  ti_id uuid NOT NULL CONSTRAINT task_reschedule_ti_fkey REFERENCES task_instance (id) ON DELETE CASCADE,
  start_date timestamptz NOT NULL, end_date timestamptz NOT NULL, duration integer NOT NULL,
  reschedule_date timestamptz NOT NULL);
-- No index on ti_id: migration 0063 dropped the (dag_id, task_id, run_id, map_index) ones and
-- PostgreSQL indexes no foreign key by itself, so the run route's count of a try's reschedules
-- scans the table.

CREATE TABLE job (
  id serial PRIMARY KEY, dag_id varchar(250), state varchar(20), job_type varchar(30),
  start_date timestamptz, end_date timestamptz, latest_heartbeat timestamptz,
  executor_class varchar(500), hostname varchar(500), unixname varchar(1000));
CREATE INDEX job_type_heart ON job (job_type, latest_heartbeat);
CREATE INDEX idx_job_state_heartbeat ON job (state, latest_heartbeat);
CREATE INDEX idx_job_dag_id ON job (dag_id);

CREATE TABLE slot_pool (id serial PRIMARY KEY, pool varchar(256) UNIQUE, slots integer, description text,
  include_deferred boolean NOT NULL, team_id uuid);

CREATE TABLE xcom (
  dag_run_id integer NOT NULL, task_id varchar(250) NOT NULL, map_index integer NOT NULL DEFAULT -1,
  key varchar(512) NOT NULL, dag_id varchar(250) NOT NULL, run_id varchar(250) NOT NULL,
  value jsonb, timestamp timestamptz NOT NULL,
  CONSTRAINT xcom_pkey PRIMARY KEY (dag_run_id, task_id, map_index, key),
  CONSTRAINT xcom_task_instance_fkey FOREIGN KEY (dag_id, task_id, run_id, map_index)
    REFERENCES task_instance (dag_id, task_id, run_id, map_index) ON DELETE CASCADE);
CREATE INDEX idx_xcom_key ON xcom (key);
CREATE INDEX idx_xcom_task_instance ON xcom (dag_id, task_id, run_id, map_index);

CREATE TABLE log (
  id serial PRIMARY KEY, dttm timestamptz, dag_id varchar(250), task_id varchar(250), map_index integer,
  event varchar(60), logical_date timestamptz, run_id varchar(250), owner varchar(500),
  owner_display_name varchar(500), extra text, try_number integer);
CREATE INDEX idx_log_dttm ON log (dttm);
CREATE INDEX idx_log_event ON log (event);
CREATE INDEX idx_log_task_instance ON log (dag_id, task_id, run_id, map_index, try_number);

CREATE TABLE deadline (
  id uuid PRIMARY KEY, dagrun_id integer REFERENCES dag_run (id) ON DELETE CASCADE,
  deadline_time timestamptz NOT NULL, callback json NOT NULL, callback_state varchar(20),
  trigger_id integer REFERENCES trigger (id));
CREATE INDEX deadline_callback_state_time_idx ON deadline (callback_state, deadline_time);

CREATE TABLE variable (id serial PRIMARY KEY, key varchar(250) UNIQUE, val text, description text,
  is_encrypted boolean, team_id uuid);
CREATE TABLE connection (
  id serial PRIMARY KEY, conn_id varchar(250) NOT NULL UNIQUE, conn_type varchar(500) NOT NULL, description text,
  host varchar(500), schema varchar(500), login text, password text, port integer, is_encrypted boolean,
  is_extra_encrypted boolean, team_id uuid, extra text);

CREATE TABLE asset (
  id serial PRIMARY KEY, name varchar(1500) NOT NULL, uri varchar(1500) NOT NULL, "group" varchar(1500) NOT NULL,
  extra json NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE UNIQUE INDEX idx_asset_name_uri_unique ON asset (name, uri);
CREATE TABLE asset_active (
  name varchar(1500) NOT NULL, uri varchar(1500) NOT NULL,
  CONSTRAINT asset_active_pkey PRIMARY KEY (name, uri),
  CONSTRAINT asset_active_asset_name_uri_fkey FOREIGN KEY (name, uri) REFERENCES asset (name, uri) ON DELETE CASCADE);

-- Assets (models/asset.py): their events (no foreign key to the asset: events outlive it), the
-- DAGs scheduled on an asset or an alias, the queue dags_needing_dagruns reads, the events a run
-- consumed, and the triggers that watch an asset.
CREATE TABLE asset_alias (id serial PRIMARY KEY, name varchar(1500) NOT NULL, "group" varchar(1500) NOT NULL);
CREATE UNIQUE INDEX idx_asset_alias_name_unique ON asset_alias (name);
CREATE TABLE asset_event (
  id serial PRIMARY KEY, asset_id integer NOT NULL, extra json NOT NULL, source_task_id varchar(250),
  source_dag_id varchar(250), source_run_id varchar(250), source_map_index integer DEFAULT -1,
  timestamp timestamptz NOT NULL);
CREATE INDEX idx_asset_id_timestamp ON asset_event (asset_id, timestamp);
CREATE TABLE asset_alias_asset_event (
  alias_id integer NOT NULL REFERENCES asset_alias (id) ON DELETE CASCADE,
  event_id integer NOT NULL REFERENCES asset_event (id) ON DELETE CASCADE,
  CONSTRAINT asset_alias_asset_event_pkey PRIMARY KEY (alias_id, event_id));
CREATE INDEX idx_asset_alias_asset_event_alias_id ON asset_alias_asset_event (alias_id);
CREATE INDEX idx_asset_alias_asset_event_event_id ON asset_alias_asset_event (event_id);
CREATE TABLE asset_trigger (
  asset_id integer NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
  trigger_id integer NOT NULL REFERENCES trigger (id) ON DELETE CASCADE,
  CONSTRAINT asset_trigger_pkey PRIMARY KEY (asset_id, trigger_id));
CREATE INDEX idx_asset_trigger_asset_id ON asset_trigger (asset_id);
CREATE INDEX idx_asset_trigger_trigger_id ON asset_trigger (trigger_id);
CREATE TABLE dag_schedule_asset_reference (
  asset_id integer NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
  dag_id varchar(250) NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  CONSTRAINT dsar_pkey PRIMARY KEY (asset_id, dag_id));
CREATE INDEX idx_dag_schedule_asset_reference_dag_id ON dag_schedule_asset_reference (dag_id);
CREATE TABLE dag_schedule_asset_alias_reference (
  alias_id integer NOT NULL REFERENCES asset_alias (id) ON DELETE CASCADE,
  dag_id varchar(250) NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  CONSTRAINT dsaar_pkey PRIMARY KEY (alias_id, dag_id));
CREATE INDEX idx_dag_schedule_asset_alias_reference_dag_id ON dag_schedule_asset_alias_reference (dag_id);
CREATE TABLE dag_schedule_asset_name_reference (
  name varchar(1500) NOT NULL, dag_id varchar(250) NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL, CONSTRAINT dsanr_pkey PRIMARY KEY (name, dag_id));
CREATE INDEX idx_dag_schedule_asset_name_reference_dag_id ON dag_schedule_asset_name_reference (dag_id);
CREATE TABLE dag_schedule_asset_uri_reference (
  uri varchar(1500) NOT NULL, dag_id varchar(250) NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL, CONSTRAINT dsaur_pkey PRIMARY KEY (uri, dag_id));
CREATE INDEX idx_dag_schedule_asset_uri_reference_dag_id ON dag_schedule_asset_uri_reference (dag_id);
CREATE TABLE asset_dag_run_queue (
  asset_id integer NOT NULL REFERENCES asset (id) ON DELETE CASCADE,
  target_dag_id varchar(250) NOT NULL REFERENCES dag (dag_id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  CONSTRAINT assetdagrunqueue_pkey PRIMARY KEY (asset_id, target_dag_id));
CREATE INDEX idx_asset_dag_run_queue_target_dag_id ON asset_dag_run_queue (target_dag_id);
CREATE TABLE dagrun_asset_event (
  dag_run_id integer NOT NULL REFERENCES dag_run (id) ON DELETE CASCADE,
  event_id integer NOT NULL REFERENCES asset_event (id) ON DELETE CASCADE,
  CONSTRAINT dagrun_asset_event_pkey PRIMARY KEY (dag_run_id, event_id));
CREATE INDEX idx_dagrun_asset_events_dag_run_id ON dagrun_asset_event (dag_run_id);
CREATE INDEX idx_dagrun_asset_events_event_id ON dagrun_asset_event (event_id);
