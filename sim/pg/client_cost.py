#!/usr/bin/python3
"""The scheduler-side cost of Airflow's SQL statements, measured: SQLAlchemy building each
statement, psycopg2 sending it and reading the reply, SQLAlchemy mapping the rows to objects.

Run by `schedlab calibrate` against the throwaway PostgreSQL it has just loaded with Airflow
1.10's schema and history (one schema, on the search path). For each catalog query type an ORM
operation shaped like the Airflow code that issues it (models declared as Airflow declares them:
same tables, columns and keys) is run at several row counts; the client's CPU time (this process's,
so the server's time and the round trips are not in it) is timed per execution, and a fixed cost
plus a cost per row is fitted by least squares. Writes one JSON object to --out.

Usage: client_cost.py --dsn DSN --schema SCHEMA --out FILE.json [--repeat N]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import time

# Airflow 2.x runs SQLAlchemy 1.4 in its 1.x style, as these models do.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

import warnings  # noqa: E402

import psycopg2  # noqa: E402
import sqlalchemy  # noqa: E402

# The events' SELECT names its CTE in WHERE only, as Airflow's does (a one-row cartesian product).
warnings.filterwarnings("ignore", category=sqlalchemy.exc.SAWarning)
from sqlalchemy import (JSON, Boolean, Column, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Table,
                        Text, and_, case, create_engine, delete, func, or_, select, tuple_)  # noqa: E402
from sqlalchemy.orm import declarative_base, relationship, sessionmaker  # noqa: E402

Base = declarative_base()


class TaskInstance(Base):
    __tablename__ = "task_instance"
    task_id = Column(String(250), primary_key=True)
    dag_id = Column(String(250), primary_key=True)
    execution_date = Column(DateTime(timezone=True), primary_key=True)
    start_date = Column(DateTime(timezone=True))
    end_date = Column(DateTime(timezone=True))
    duration = Column(Float)
    state = Column(String(20))
    try_number = Column(Integer)
    max_tries = Column(Integer)
    hostname = Column(String(1000))
    unixname = Column(String(1000))
    job_id = Column(Integer)
    pool = Column(String(50), nullable=False)
    pool_slots = Column(Integer)
    queue = Column(String(256))
    priority_weight = Column(Integer)
    operator = Column(String(1000))
    queued_dttm = Column(DateTime(timezone=True))
    pid = Column(Integer)
    executor_config = Column(LargeBinary)


class DagRun(Base):
    __tablename__ = "dag_run"
    id = Column(Integer, primary_key=True)
    dag_id = Column(String(250))
    execution_date = Column(DateTime(timezone=True))
    state = Column(String(50))
    run_id = Column(String(250))
    external_trigger = Column(Boolean)
    conf = Column(LargeBinary)
    end_date = Column(DateTime(timezone=True))
    start_date = Column(DateTime(timezone=True))


class Job(Base):
    __tablename__ = "job"
    id = Column(Integer, primary_key=True)
    dag_id = Column(String(250))
    state = Column(String(20))
    job_type = Column(String(30))
    start_date = Column(DateTime(timezone=True))
    end_date = Column(DateTime(timezone=True))
    latest_heartbeat = Column(DateTime(timezone=True))
    executor_class = Column(String(500))
    hostname = Column(String(500))
    unixname = Column(String(1000))


class DagModel(Base):
    __tablename__ = "dag"
    dag_id = Column(String(250), primary_key=True)
    root_dag_id = Column(String(250))
    is_paused = Column(Boolean)
    is_subdag = Column(Boolean)
    is_active = Column(Boolean)
    last_scheduler_run = Column(DateTime(timezone=True))
    last_pickled = Column(DateTime(timezone=True))
    last_expired = Column(DateTime(timezone=True))
    scheduler_lock = Column(Boolean)
    pickle_id = Column(Integer)
    fileloc = Column(String(2000))
    owners = Column(String(2000))
    description = Column(Text)
    default_view = Column(String(25))
    schedule_interval = Column(Text)


class Pool(Base):
    __tablename__ = "slot_pool"
    id = Column(Integer, primary_key=True)
    pool = Column(String(256), unique=True)
    slots = Column(Integer)
    description = Column(Text)


class Log(Base):
    __tablename__ = "log"
    id = Column(Integer, primary_key=True)
    dttm = Column(DateTime(timezone=True))
    dag_id = Column(String(250))
    task_id = Column(String(250))
    event = Column(String(30))
    execution_date = Column(DateTime(timezone=True))
    owner = Column(String(500))
    extra = Column(Text)


# Assets (Airflow 2.4+'s datasets, 3.x's models/asset.py), beside the 1.10 tables for the measurement
# only: created before it, dropped after. An event maps as Airflow's does: its JSON payload, and the
# runs that consumed it through dagrun_asset_event (the backref a run's consumed_asset_events extends).
dagrun_asset_event = Table(
    "dagrun_asset_event", Base.metadata,
    Column("dag_run_id", Integer, ForeignKey("dag_run.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", Integer, ForeignKey("asset_event.id", ondelete="CASCADE"), primary_key=True))


class AssetEvent(Base):
    __tablename__ = "asset_event"
    id = Column(Integer, primary_key=True, autoincrement=True)
    asset_id = Column(Integer, nullable=False)
    extra = Column(JSON, nullable=False, default={})
    source_task_id = Column(String(250))
    source_dag_id = Column(String(250))
    source_run_id = Column(String(250))
    source_map_index = Column(Integer, default=-1)
    timestamp = Column(DateTime(timezone=True), nullable=False)
    created_dagruns = relationship(DagRun, secondary=dagrun_asset_event, backref="consumed_asset_events")


class DagScheduleAssetReference(Base):
    __tablename__ = "dag_schedule_asset_reference"
    asset_id = Column(Integer, primary_key=True)
    dag_id = Column(String(250), primary_key=True)


class AssetDagRunQueue(Base):
    __tablename__ = "asset_dag_run_queue"
    asset_id = Column(Integer, primary_key=True)
    target_dag_id = Column(String(250), primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False)


ASSET_TABLES = [AssetEvent.__table__, dagrun_asset_event, DagScheduleAssetReference.__table__,
                AssetDagRunQueue.__table__]
EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)


def create_asset_history(engine, dag_ids):
    """One asset per 10 DAGs, each DAG scheduled on one; 200 events of asset 1 (512-byte payloads,
    as apache/airflow#69848 measured with), one a minute, and every DAG's asset queued."""
    Base.metadata.drop_all(engine, tables=ASSET_TABLES)
    Base.metadata.create_all(engine, tables=ASSET_TABLES)
    assets = max(1, len(dag_ids) // 10)
    with engine.begin() as c:
        c.execute(DagScheduleAssetReference.__table__.insert(),
                  [{"asset_id": i % assets + 1, "dag_id": d} for i, d in enumerate(dag_ids)])
        c.execute(AssetDagRunQueue.__table__.insert(),
                  [{"asset_id": i % assets + 1, "target_dag_id": d, "created_at": EPOCH} for i, d in enumerate(dag_ids)])
        c.execute(AssetEvent.__table__.insert(),
                  [{"asset_id": 1, "extra": {"payload": "x" * 500}, "source_task_id": "task_40",
                    "source_dag_id": dag_ids[0], "source_run_id": "scheduled__1", "source_map_index": -1,
                    "timestamp": EPOCH + datetime.timedelta(minutes=j)} for j in range(1, 201)])


FINISHED = ["success", "failed", "upstream_failed", "skipped"]
ACTIVE = ["running", "queued"]


class History:
    """What the loaded history holds: a running run per DAG, whose task instances the operations read."""

    def __init__(self, session):
        row = session.query(DagRun).filter(DagRun.state == "running").order_by(DagRun.dag_id).first()
        if row is None:
            raise SystemExit("client_cost.py: no running DAG run in the schema: load the history first")
        self.dag_id = row.dag_id
        self.execution_date = row.execution_date
        self.run_id = row.id
        self.task_ids = [t for (t,) in session.query(TaskInstance.task_id)
                         .filter(TaskInstance.dag_id == self.dag_id,
                                 TaskInstance.execution_date == self.execution_date)
                         .order_by(TaskInstance.task_id)]
        self.dag_ids = [d for (d,) in session.query(DagModel.dag_id).order_by(DagModel.dag_id)]
        self.finished_date = (session.query(func.max(TaskInstance.execution_date))
                              .filter(TaskInstance.dag_id == self.dag_id,
                                      TaskInstance.execution_date < self.execution_date).scalar())

    def run_tis(self, session, k, date=None):
        return (session.query(TaskInstance)
                .filter(TaskInstance.dag_id == self.dag_id,
                        TaskInstance.execution_date == (date or self.execution_date))
                .order_by(TaskInstance.task_id).limit(k).all())


# Each operation runs one query of its catalog type returning (or writing) about k rows and
# returns the rows it got; the session is committed or rolled back by the caller. They follow
# the Airflow 1.10.12 code the catalog names (scheduler_job.py, dagrun.py, taskinstance.py).

def op_select_tis(h, s, k):  # verify_integrity, update_state_select_tis, schedulable_tis_select
    return len(h.run_tis(s, k))


def op_select_finished_tis(h, s, k):  # not_previously_skipped_dep, update_state_unfinished
    return len(h.run_tis(s, k, h.finished_date))


def op_find_scheduled_tis(h, s, k):
    q = (s.query(TaskInstance)
         .outerjoin(DagRun, and_(DagRun.dag_id == TaskInstance.dag_id,
                                 DagRun.execution_date == TaskInstance.execution_date))
         .outerjoin(DagModel, DagModel.dag_id == TaskInstance.dag_id)
         .filter(or_(DagRun.run_id.is_(None), ~DagRun.run_id.like("backfill_%")))
         .filter(or_(DagModel.dag_id.is_(None), DagModel.is_paused.is_(False)))
         .filter(TaskInstance.dag_id == h.dag_id, TaskInstance.execution_date == h.finished_date)
         .limit(k))
    return len(q.all())


def op_select_pools(h, s, k):
    return len(s.query(Pool).limit(k).all())


def op_concurrency_counts(h, s, k):
    q = (s.query(TaskInstance.task_id, TaskInstance.dag_id, func.count("*"))
         .filter(TaskInstance.dag_id.in_(h.dag_ids[:k]), TaskInstance.state.in_(FINISHED))
         .group_by(TaskInstance.task_id, TaskInstance.dag_id).limit(k))
    return len(q.all())


def op_pool_open_slots(h, s, k):
    s.query(func.sum(TaskInstance.pool_slots)).filter(TaskInstance.pool == "default_pool",
                                                      TaskInstance.state.in_(ACTIVE)).scalar()
    return 1


def op_ti_current_state(h, s, k):
    s.query(TaskInstance.state).filter(TaskInstance.dag_id == h.dag_id, TaskInstance.task_id == h.task_ids[0],
                                       TaskInstance.execution_date == h.execution_date).scalar()
    return 1


def op_trigger_rule_dep(h, s, k):
    successes = func.coalesce(func.sum(case([(TaskInstance.state == "success", 1)], else_=0)), 0)
    skipped = func.coalesce(func.sum(case([(TaskInstance.state == "skipped", 1)], else_=0)), 0)
    failed = func.coalesce(func.sum(case([(TaskInstance.state == "failed", 1)], else_=0)), 0)
    upstream_failed = func.coalesce(func.sum(case([(TaskInstance.state == "upstream_failed", 1)], else_=0)), 0)
    (s.query(successes, skipped, failed, upstream_failed, func.count(TaskInstance.task_id))
     .filter(TaskInstance.dag_id == h.dag_id, TaskInstance.execution_date == h.finished_date,
             TaskInstance.task_id.in_(h.task_ids[:3]), TaskInstance.state.in_(FINISHED)).first())
    return 1


def op_lock_ti(h, s, k):  # ti_lock_for_schedule, prev_dagrun_dep: refresh_from_db(lock_for_update)
    (s.query(TaskInstance).filter(TaskInstance.dag_id == h.dag_id, TaskInstance.task_id == h.task_ids[1],
                                  TaskInstance.execution_date == h.execution_date).with_for_update().first())
    return 1


def op_merge_ti(h, s, k):  # ti_merge_scheduled: the state set, session.merge, the UPDATE at commit
    tis = h.run_tis(s, 1)
    s.expunge_all()
    for ti in tis:
        ti.state = "scheduled" if ti.state != "scheduled" else None
        s.merge(ti)
    s.flush()
    return 1


def op_mock_set_state(h, s, k):  # mock_executor_set_state: ti.set_state(SUCCESS): merge, UPDATE
    tis = h.run_tis(s, 1)
    s.expunge_all()
    for ti in tis:
        ti.state = "success" if ti.state != "success" else None
        ti.end_date = datetime.datetime.now(datetime.timezone.utc)
        s.merge(ti)
    s.flush()
    return 1


def op_lock_and_queue(h, s, k):  # SELECT ... FOR UPDATE of k TIs, each set QUEUED (one UPDATE each)
    keys = [(t, h.dag_id, h.execution_date) for t in h.task_ids[:k]]
    tis = (s.query(TaskInstance)
           .filter(tuple_(TaskInstance.task_id, TaskInstance.dag_id, TaskInstance.execution_date).in_(keys))
           .with_for_update().all())
    now = datetime.datetime.now(datetime.timezone.utc)
    for ti in tis:
        ti.state = "queued" if ti.state != "queued" else None
        ti.queued_dttm = now
    s.flush()
    return len(tis)


def op_sync_dag(h, s, k):  # dag.sync_to_db: the DagModel read and its UPDATE
    d = s.query(DagModel).filter(DagModel.dag_id == h.dag_id).first()
    d.last_scheduler_run = datetime.datetime.now(datetime.timezone.utc)
    s.flush()
    return 1


def op_paused_dags(h, s, k):
    q = s.query(DagModel.dag_id).filter(DagModel.is_paused.is_(True), DagModel.dag_id.in_(h.dag_ids[:k]))
    return len(q.all()) or 1


def op_find_dagruns(h, s, k):  # find_running_dagruns, create_dag_run_checks, next_dagruns_to_examine
    q = s.query(DagRun).filter(DagRun.dag_id.in_(h.dag_ids[:k]), DagRun.state == "running").limit(k)
    return len(q.all())


def op_dagrun_update(h, s, k):
    run = s.query(DagRun).filter(DagRun.id == h.run_id).first()
    s.expunge(run)
    run.end_date = datetime.datetime.now(datetime.timezone.utc)
    s.merge(run)
    s.flush()
    return 1


def op_dagrun_insert(h, s, k):  # a run and its k task instances, INSERTed at the flush
    date = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=op_dagrun_insert.n)
    op_dagrun_insert.n += 1
    s.add(DagRun(dag_id=h.dag_id, execution_date=date, state="running", run_id="client_cost__%d" % op_dagrun_insert.n,
                 external_trigger=False, start_date=date))
    for t in range(k):
        s.add(TaskInstance(task_id="new_%d" % t, dag_id=h.dag_id, execution_date=date, pool="default_pool",
                           pool_slots=1, queue="default", priority_weight=1, operator="BashOperator",
                           try_number=0, max_tries=0))
    s.flush()
    return k


op_dagrun_insert.n = 0


def op_bulk_update(h, s, k):  # schedule_tis, bulk_queue_tis, tis_without_dagrun: one UPDATE of k TIs
    (s.query(TaskInstance)
     .filter(TaskInstance.dag_id == h.dag_id, TaskInstance.execution_date == h.execution_date,
             TaskInstance.task_id.in_(h.task_ids[:k]))
     .update({TaskInstance.state: "scheduled"}, synchronize_session=False))
    return k


def op_state_counts(h, s, k):  # pool_state_counts: GROUP BY pool, state
    q = (s.query(TaskInstance.pool, TaskInstance.state, func.count("*"))
         .filter(TaskInstance.state.in_(ACTIVE + ["scheduled"])).group_by(TaskInstance.pool, TaskInstance.state))
    return len(q.all()) or 1


def op_pool_lock(h, s, k):  # pool_slots_lock: SELECT slot_pool FOR UPDATE NOWAIT
    return len(s.query(Pool).with_for_update(nowait=True).all())


def op_executor_events(h, s, k):  # the finished TIs named by the events
    keys = [(t, h.dag_id, h.finished_date) for t in h.task_ids[:k]]
    q = s.query(TaskInstance).filter(
        tuple_(TaskInstance.task_id, TaskInstance.dag_id, TaskInstance.execution_date).in_(keys))
    return len(q.all())


def op_heartbeat(h, s, k):  # the job's latest_heartbeat, merged and UPDATEd
    job = s.query(Job).filter(Job.id == 1).first()
    s.expunge(job)
    job.latest_heartbeat = datetime.datetime.now(datetime.timezone.utc)
    s.merge(job)
    s.flush()
    return 1


# Airflow 3.1's own scheduler statements (scheduler_job_runner.py, serialized_objects.py
# _create_orm_dagrun), on the 1.10 tables: the same ORM work on rows of the same kind.
def op_deadline_scan(h, s, k):  # SELECT deadline ... every loop: ORM objects, none due
    return len(s.query(DagRun).filter(DagRun.dag_id == "none", DagRun.state == "running").all()) or 1


def op_dagrun_versions(h, s, k):  # the DAG's bundle version, its latest version (an object), max(log_template.id)
    s.query(DagModel.dag_id).filter(DagModel.dag_id == h.dag_id).scalar()
    s.query(DagRun).filter(DagRun.dag_id == h.dag_id).order_by(DagRun.execution_date.desc()).limit(1).first()
    s.query(func.max(Log.id)).scalar()
    return 1


def op_verify_version(h, s, k):  # the latest version (an object), then a UNION of the TIs' and history's
    s.query(DagRun).filter(DagRun.dag_id == h.dag_id).order_by(DagRun.execution_date.desc()).limit(1).first()
    mine = s.query(TaskInstance.task_id).filter(TaskInstance.dag_id == h.dag_id,
                                                TaskInstance.execution_date == h.execution_date,
                                                TaskInstance.task_id == "none")
    mine.union(mine).first()
    return 1


def op_orphans(h, s, k):  # adopt_or_reset: the dead jobs, their TIs, the reset UPDATE
    s.query(Job).filter(Job.job_type == "SchedulerJob", Job.state == "running").all()
    q = s.query(TaskInstance).filter(TaskInstance.state.in_(["queued", "scheduled"])).limit(k).all()
    s.query(TaskInstance).filter(TaskInstance.dag_id == "none").update({TaskInstance.state: None},
                                                                       synchronize_session=False)
    return len(q) or 1


# Deferral's and assets' scheduler statements (scheduler_job_runner.py check_trigger_timeouts,
# models/dag.py dags_needing_dagruns, _create_dag_runs_asset_triggered).
def op_trigger_timeouts(h, s, k):  # the deferred tries past their timeout set scheduled: none, as usual
    (s.query(TaskInstance).filter(TaskInstance.state == "deferred", TaskInstance.end_date < EPOCH)
     .update({TaskInstance.state: "scheduled", TaskInstance.operator: "__fail__"}, synchronize_session=False))
    return 1


def op_adrq_select(h, s, k):  # the queue, as objects (a row per DAG and asset queued)
    return len(s.query(AssetDagRunQueue).limit(k).all())


def asset_events(s, dag_id, k):
    """The events a run of dag_id triggered at its asset's k-th event consumes (none before it)."""
    triggered = EPOCH + datetime.timedelta(minutes=k)
    previous = (select(func.max(DagRun.execution_date).label("previous_run"))
                .where(DagRun.dag_id == dag_id, DagRun.run_id.like("asset_triggered__%"),
                       DagRun.execution_date < triggered).cte())
    q = (s.query(AssetEvent)
         .filter(or_(AssetEvent.asset_id.in_(select(DagScheduleAssetReference.asset_id)
                                             .where(DagScheduleAssetReference.dag_id == dag_id)),
                     AssetEvent.source_map_index < -1),
                 AssetEvent.timestamp <= triggered,
                 AssetEvent.timestamp > func.coalesce(previous.c.previous_run, datetime.datetime.min))
         .order_by(AssetEvent.timestamp.asc(), AssetEvent.id.asc()))
    return q.all()


def op_asset_events_for_run(h, s, k):  # the run's events as ORM objects, payloads parsed
    return len(asset_events(s, h.dag_ids[0], k))


def prepare_run_events(h, s, k):
    return s.query(DagRun).filter(DagRun.id == h.run_id).one(), asset_events(s, h.dag_ids[0], k)


def op_asset_run_events_insert(h, s, k, prepared):  # dag_run.consumed_asset_events.extend(events), flushed
    run, events = prepared
    run.consumed_asset_events.extend(events)
    s.flush()
    return len(events)


op_asset_run_events_insert.prepare = prepare_run_events


def op_adrq_delete(h, s, k):  # the DAG's queue rows deleted
    s.execute(delete(AssetDagRunQueue).where(AssetDagRunQueue.target_dag_id == h.dag_ids[0]))
    return 1


# Catalog type -> (operation, row counts to fit over, what a row is: one the query returns or
# one it writes). One row count: a fixed cost only.
ROWS = [1, 10, 40]
R, W = "returned", "written"
CATALOG = {
    "tis_without_dagrun": (op_bulk_update, ROWS, W),
    "find_scheduled_tis": (op_find_scheduled_tis, ROWS, R),
    "select_pools": (op_select_pools, [1], R),
    "concurrency_counts": (op_concurrency_counts, ROWS, R),
    "pool_open_slots": (op_pool_open_slots, [1], R),
    "lock_and_queue_tis": (op_lock_and_queue, ROWS, R),
    "sync_dag": (op_sync_dag, [1], R),
    "get_paused_dags": (op_paused_dags, [1], R),
    "create_dag_run_checks": (op_find_dagruns, [1], R),
    "find_running_dagruns": (op_find_dagruns, ROWS, R),
    "verify_integrity": (op_select_tis, ROWS, R),
    "update_state_select_tis": (op_select_tis, ROWS, R),
    "update_state_unfinished": (op_select_finished_tis, ROWS, R),
    "ti_current_state": (op_ti_current_state, [1], R),
    "trigger_rule_dep": (op_trigger_rule_dep, [1], R),
    "not_previously_skipped_dep": (op_select_finished_tis, ROWS, R),
    "prev_dagrun_dep": (op_lock_ti, [1], R),
    "schedulable_tis_select": (op_select_tis, ROWS, R),
    "dagrun_update": (op_dagrun_update, [1], R),
    "ti_lock_for_schedule": (op_lock_ti, [1], R),
    "ti_merge_scheduled": (op_merge_ti, [1], R),
    "dagrun_insert": (op_dagrun_insert, ROWS, W),
    "dags_needing_dagruns": (op_find_dagruns, ROWS, R),
    "start_queued_dagruns": (op_find_dagruns, ROWS, R),
    "next_dagruns_to_examine": (op_find_dagruns, ROWS, R),
    "update_state_changes": (op_select_tis, ROWS, R),
    "schedule_tis": (op_bulk_update, ROWS, W),
    "pool_slots_lock": (op_pool_lock, [1], R),
    "pool_state_counts": (op_state_counts, [1], R),
    "scheduled_tis_for_update": (op_find_scheduled_tis, ROWS, R),
    "bulk_queue_tis": (op_bulk_update, ROWS, W),
    "executor_events": (op_executor_events, ROWS, R),
    "scheduler_heartbeat": (op_heartbeat, [1], R),
    "adopt_or_reset_orphans": (op_orphans, [1], R),
    "mock_executor_set_state": (op_mock_set_state, [1], R),
    "deadline_scan": (op_deadline_scan, [1], R),
    "dagrun_create_versions": (op_dagrun_versions, [1], R),
    "verify_dag_version": (op_verify_version, [1], R),
    "check_trigger_timeouts": (op_trigger_timeouts, [1], R),
    "adrq_select": (op_adrq_select, ROWS, R),
    "asset_events_for_run": (op_asset_events_for_run, [1, 10, 100], R),
    "asset_run_events_insert": (op_asset_run_events_insert, [1, 10, 100], W),
    "adrq_delete": (op_adrq_delete, [1], R),
}


def fit(points):
    """Least squares of seconds = fixed + per_row * rows over (rows, seconds) points."""
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    if len(set(xs)) < 2:
        return statistics.median(ys), 0.0
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = max(0.0, sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx)
    return max(0.0, my - slope * mx), slope


def measure(session_factory, history, op, k, repeat):
    """The median client CPU seconds of one execution returning k rows, and the rows it returned."""
    samples, rows = [], 0
    prepare = getattr(op, "prepare", None)  # what the operation works on, loaded outside its time
    for i in range(repeat + 3):  # the first runs warm SQLAlchemy's statement caches
        s = session_factory()
        prepared = prepare(history, s, k) if prepare else None
        t0 = time.process_time_ns()
        rows = op(history, s, k, prepared) if prepare else op(history, s, k)
        t1 = time.process_time_ns()
        s.rollback()
        s.close()
        if i >= 3:
            samples.append((t1 - t0) / 1e9)
    return statistics.median(samples), rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    engine = create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(
        args.dsn, options="-c search_path=%s" % args.schema))
    factory = sessionmaker(bind=engine)
    setup = factory()
    history = History(setup)
    setup.close()
    create_asset_history(engine, history.dag_ids)
    types = {}
    try:
        for name, (op, counts, rows_are) in CATALOG.items():
            points = []
            for k in counts:
                seconds, rows = measure(factory, history, op, k, args.repeat)
                points.append((rows, seconds))
            fixed, per_row = fit(points)
            types[name] = {"fixed_s": round(fixed, 9), "per_row_s": round(per_row, 12), "per_row_of": rows_are,
                           "operation": op.__name__[3:],
                           "points": [[r, round(t, 9)] for r, t in points]}
    finally:
        Base.metadata.drop_all(engine, tables=ASSET_TABLES)
    result = {"sqlalchemy": sqlalchemy.__version__, "psycopg2": psycopg2.__version__.split()[0],
              "python": platform.python_version(), "repeat": args.repeat,
              "method": "client CPU time (time.process_time) per ORM operation, median of the repeats; "
                        "fixed + per_row fitted by least squares over the row counts",
              "types": types}
    with open(args.out, "w") as out:
        json.dump(result, out, indent=2, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
