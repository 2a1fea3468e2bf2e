"""What an architect reads first: which variant meets each SLA, at what cost, and by how much
it beats the baseline (ratios), plus the percentile and key-figure tables and, when live
results are present, simulated vs live side by side."""

from schedlab_report import schema


def fmt_s(s):
    if s is None:
        return "-"
    if s >= 7200:
        return f"{s / 3600:.2f} h"
    if s >= 100:
        return f"{s:.0f} s"
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s * 1e3:.1f} ms"


def fmt_limit(metric, value):
    """A figure of the metric at dotted path `metric` in its unit, from schedlab's result schema."""
    unit = schema.unit(metric)
    if unit == "s":
        return fmt_s(value)
    if unit == "0-1":
        return f"{100 * value:.1f} %"
    return f"{value:g}"


def fmt_ratio(now, base):
    if now is None or base is None or base == 0:
        return "-"
    r = now / base
    return f"×{r:.2f} ({100 * (r - 1):+.0f} %)"


def fmt_bytes(b):
    if b is None:
        return "-"
    if b >= 1e9:
        return f"{b / 1e9:.2f} GB"
    if b < 1e6:
        return f"{b / 1e3:.0f} kB"
    return f"{b / 1e6:.0f} MB"


def fmt_hours(h):
    if h is None:
        return "-"
    return f"{h:.3f} h" if h < 0.1 else f"{h:.1f} h"


def fmt_run_time(v):
    """How long a variant ran: simulated time and the wall time it took, or a live run's length."""
    wall, virt = v.metric("sim.wall_seconds"), v.metric("sim.virtual_seconds")
    if v.source == "live":
        return "-" if not wall else f"live, {wall:.1f} s"
    if not wall or virt is None:
        return "-"
    return (f"{virt / 3600:.1f} h" if virt >= 3600 else f"{virt:.0f} s") + f" in {wall:.1f} s"


def latency_path(focus):
    scope = f"metrics_by_dag.{focus}" if focus else "metrics"
    return scope, f"{'DAG ' + focus if focus else 'all DAGs'}"


def groups(variants):
    """Variants grouped by scenario, in order of first appearance."""
    out = {}
    for v in variants:
        out.setdefault(v.scenario, []).append(v)
    return out


def pick_baseline(group, wanted):
    for v in group:
        if v.name == wanted or v.label == wanted:
            return v
    return group[0]


def sla_blocks(group):
    """A table of every SLA against every variant, and who meets them all (cheapest first)."""
    slas = [s for s in group[0].slas]
    if not slas:
        return [("p", "The scenario sets no SLAs (`slas:` in the scenario file); ratios to the baseline follow.")]
    header = ["SLA", "bound"] + [v.label for v in group]
    rows = []
    for k, sla in enumerate(slas):
        op = "≤" if "max" in sla else "≥"
        limit = sla.get("max", sla.get("min"))
        row = [sla["name"], f"{sla['metric']} {op} {fmt_limit(sla['metric'], limit)}"]
        for v in group:
            mine = v.slas[k] if k < len(v.slas) else {}
            value = mine.get("value")
            shown = "not measured" if value is None else fmt_limit(sla["metric"], value)
            row.append(("met: " if mine.get("met") else "**MISSED**: ") + shown)
        rows.append(row)
    blocks = [("table", header, rows)]
    meeting = [v for v in group if v.slas and all(s.get("met") for s in v.slas)]
    if meeting:
        meeting.sort(key=lambda v: (v.metric("metrics.cost") or 0, v.metric("metrics.worker_hours") or 0,
                                    v.metric("metrics.db_core_hours") or 0))
        parts = [f"**{v.label}** ({fmt_hours(v.metric('metrics.worker_hours'))} of workers, "
                 f"{fmt_hours(v.metric('metrics.db_core_hours'))} of DB cores)" for v in meeting]
        blocks.append(("p", f"Meets every SLA: {', '.join(parts)}. Cheapest: **{meeting[0].label}**."))
    else:
        blocks.append(("p", "**No variant meets every SLA.**"))
    return blocks


def ratio_blocks(group, baseline, focus):
    scope, where = latency_path(focus)
    figures = [
        (f"p95 transition, {where}", f"{scope}.task_transition_latency_s.p95", fmt_s),
        (f"mean transition, {where}", f"{scope}.task_transition_latency_s.mean", fmt_s),
        ("loop mean", "metrics.scheduler_loop_duration_s.mean", fmt_s),
        ("DB CPU", "metrics.db_cpu_utilization", lambda x: "-" if x is None else f"{100 * x:.2f} %"),
        ("worker-hours", "metrics.worker_hours", fmt_hours),
        ("DB core-hours", "metrics.db_core_hours", fmt_hours),
    ]
    header = ["variant"] + [f[0] for f in figures]
    rows = []
    for v in group:
        row = [v.label + (" (baseline)" if v is baseline else "")]
        for _, path, fmt in figures:
            now, base = v.metric(path), baseline.metric(path)
            cell = fmt(now)
            if v is not baseline and now is not None:
                cell += f" {fmt_ratio(now, base)}"
            row.append(cell)
        rows.append(row)
    lines = []
    p95 = f"{scope}.task_transition_latency_s.p95"
    for v in group:
        if v is baseline:
            continue
        now, base = v.metric(p95), baseline.metric(p95)
        if now is None or base is None or base == 0:
            continue
        lines.append(f"**{v.label}**: p95 transition ({where}) ×{now / base:.2f} of {baseline.label}'s "
                     f"({fmt_s(now)} vs {fmt_s(base)}).")
    blocks = [("p", f"Ratios against the baseline **{baseline.label}** (×1.00 = same, below 1 = less):"),
              ("table", header, rows)]
    if lines:
        blocks.append(("list", lines))
    return blocks


def percentile_blocks(variants, focus):
    blocks = []
    scopes = [("all DAGs", "metrics")]
    if focus:
        scopes.append((f"DAG {focus}", f"metrics_by_dag.{focus}"))
    for title, scope in scopes:
        header = ["variant", "count", "p50", "p90", "p95", "p99", "max"]
        rows = []
        for v in variants:
            base = f"{scope}.task_transition_latency_s"
            count = v.metric(f"{base}.count")
            rows.append([v.label, "-" if count is None else f"{count:.0f}"] +
                        [fmt_s(v.metric(f"{base}.{p}")) for p in ("p50", "p90", "p95", "p99", "max")])
        blocks.append(("h3", f"Task transition latency, {title}"))
        blocks.append(("table", header, rows))
    return blocks


def key_figure_blocks(variants):
    header = ["variant", "loop mean", "queries / loop", "DB CPU", "DB size (max)", "DB cache hits",
              "tasks ok / failed / lost",
              "runs re-created by catch-up", "simulated / wall time"]
    rows = []
    for v in variants:
        m = v.metric
        rows.append([
            v.label, fmt_s(m("metrics.scheduler_loop_duration_s.mean")),
            "-" if m("metrics.db_queries_per_loop.mean") is None else f"{m('metrics.db_queries_per_loop.mean'):.1f}",
            "-" if m("metrics.db_cpu_utilization") is None else f"{100 * m('metrics.db_cpu_utilization'):.2f} %",
            fmt_bytes(m("metrics.db_size_bytes.max")),
            "-" if m("metrics.db_cache_hit_ratio") is None else f"{100 * m('metrics.db_cache_hit_ratio'):.1f} %",
            " / ".join("-" if m(f"metrics.{k}") is None else f"{m(f'metrics.{k}'):.0f}"
                       for k in ("tasks_succeeded", "tasks_failed", "tasks_lost")),
            "-" if m("metrics.dagruns_recreated_by_catchup") is None else f"{m('metrics.dagruns_recreated_by_catchup'):.0f}",
            fmt_run_time(v),
        ])
    # The mock executor's runs (Airflow's scheduler benchmark): the scheduler's own throughput.
    if any(v.metric("metrics.scheduler_throughput_tis_per_s") is not None for v in variants):
        header.insert(1, "scheduler throughput")
        for v, row in zip(variants, rows):
            t = v.metric("metrics.scheduler_throughput_tis_per_s")
            row.insert(1, "-" if t is None else f"{t:.1f} task instances/s")
    return [("table", header, rows)]


def pool_blocks(variants):
    """Per worker pool of each variant, when any pool scaled: its hours, size, scaling and losses."""
    rows = []
    for v in variants:
        for pool, p in (v.data.get("metrics_by_pool") or {}).items():
            if "node_hours" in p:
                continue  # a node pool: kubernetes_blocks
            scale = p.get("scale_events") or {}
            rows.append([v.label, pool, fmt_hours(p.get("worker_hours")), f"{p.get('workers_max', 0):.0f}",
                         f"{scale.get('out', 0):.0f} / {scale.get('in', 0):.0f}",
                         f"{p.get('tasks_killed_by_scale_in', 0):.0f} / {p.get('tasks_killed_by_deploy', 0):.0f}",
                         f"{p.get('tasks_redelivered', 0):.0f} / {p.get('zombies_killed', 0):.0f}",
                         "-" if p.get("worker_cpu_utilization") is None else f"{100 * p['worker_cpu_utilization']:.1f} %",
                         "-" if p.get("cost") is None else f"{p['cost']:.2f}"])
    changed = any((p.get("workers_launched") or 0) > 0
                  for v in variants for p in (v.data.get("metrics_by_pool") or {}).values())
    if not changed:
        return []
    header = ["variant", "pool", "worker-hours", "most workers", "scale-outs / -ins",
              "tries killed (scale-in / deploy)",
              "back by message / as zombie", "worker CPU", "cost"]
    return [("h2", "Worker pools"),
            ("p", "A hard scale-in or deploy kills the tries its hosts run; each comes back when its message is visible "
                  "again (visibility timeout) or when the scheduler fails it as a zombie, whichever is first."),
            ("table", header, rows)]


def kubernetes_blocks(variants):
    """executor kubernetes: per variant, a pod's start and where it went, and per node pool what the
    cluster autoscaler did and what the nodes cost."""
    rows, pools = [], []
    for v in variants:
        start = v.metrics.get("pod_start_latency_s")
        if not isinstance(start, dict):
            continue
        def p50(key):
            s = v.metrics.get(key) or {}
            return fmt_s(s.get("p50")) if s.get("count") else "-"
        executor = v.config.get("executor", {})
        cfg = executor.get("kubernetes", executor)  # beside Celery, the pods' settings are under `kubernetes`
        rows.append([v.label, f"{cfg.get('worker_pods_creation_batch_size', '?')}",
                     fmt_s(start.get("p50")) if start.get("count") else "-",
                     fmt_s(start.get("p95")) if start.get("count") else "-",
                     p50("pod_api_s"), p50("pod_pending_s"), p50("pod_image_pull_s"), p50("pod_container_start_s"),
                     f"{(v.metrics.get('pods_pending') or {}).get('max', 0):.0f}",
                     f"{v.metrics.get('tasks_stuck_in_queued', 0):.0f}"])
        for pool, p in (v.data.get("metrics_by_pool") or {}).items():
            if "node_hours" not in p:
                continue
            scale = p.get("scale_events") or {}
            pools.append([v.label, pool, fmt_hours(p.get("node_hours")), f"{p.get('nodes_max', 0):.0f}",
                          f"{scale.get('out', 0):.0f} / {scale.get('in', 0):.0f}", f"{p.get('pods_run', 0):.0f}",
                          f"{p.get('pods_killed_by_scale_down', 0):.0f}",
                          "-" if p.get("node_cpu_utilization") is None else f"{100 * p['node_cpu_utilization']:.1f} %",
                          "-" if p.get("cost") is None else f"{p['cost']:.2f}"])
    if not rows:
        return []
    return [("h2", "Pods and nodes"),
            ("p", "A try's pod: created by the scheduler's executor (at most `worker_pods_creation_batch_size` per "
                  "loop, an API call each), pending until a node has room for its requests (the cluster autoscaler "
                  "boots one when none has), its image pulled unless the node has it, its container and interpreter "
                  "started. Start: queued to the try running; the four parts at their median."),
            ("table", ["variant", "pods per loop", "pod start p50", "p95", "API p50", "pending p50", "image p50",
                       "container p50", "most pods pending", "stuck in queued"], rows),
            ("table", ["variant", "node pool", "node-hours", "most nodes", "scale-ups / -downs", "pods",
                       "pods evicted", "node CPU", "cost"], pools)]


def api_server_blocks(variants):
    """airflow3: per variant, its API server's load, request latency and what it cost the tries."""
    rows, routes = [], []
    for v in variants:
        lat = v.metrics.get("api_request_latency_s")
        if not isinstance(lat, dict):
            continue
        api = v.config.get("api_server", {})
        util = v.metric("metrics.api_server_utilization")
        rows.append([v.label, f"{api.get('instances', '?')} × {api.get('workers', '?')} on {api.get('cores', '?')} cores",
                     "-" if util is None else f"{100 * util:.1f} %",
                     fmt_s(lat.get("p50")) if lat.get("count") else "-",
                     fmt_s(lat.get("p95")) if lat.get("count") else "-",
                     fmt_s(lat.get("p99")) if lat.get("count") else "-",
                     f"{v.metrics.get('api_request_failures', 0):.0f}",
                     f"{v.metrics.get('tries_failed_on_heartbeats', 0):.0f}",
                     f"{v.metrics.get('api_requests_per_try', 0):.1f}"])
        for route, s in sorted((lat.get("by_route") or {}).items()):
            routes.append([v.label, route, f"{s.get('count', 0):.0f}", fmt_s(s.get("p50")), fmt_s(s.get("p95")),
                           fmt_s(s.get("max"))])
    if not rows:
        return []
    return [("h2", "API server"),
            ("p", "Airflow 3's tries call the API server's Execution API instead of the metadata DB: their start, a "
                  "heartbeat every few seconds, their XCom and their end. A call not answered in time is retried; "
                  "failed heartbeats in a row kill the try."),
            ("table", ["variant", "instances × workers", "CPU busy", "request p50", "p95", "p99", "failed attempts",
                       "tries failed on heartbeats", "requests per try"], rows),
            ("table", ["variant", "route", "answered", "p50", "p95", "max"], routes)]


def triggerer_blocks(variants):
    """Deferral: per variant with a triggerer, how full it ran, the tries it held and how soon they came
    back, and the worker-hours beside the variant before it that waits by poking (same scenario and
    scheduler model, no triggerer)."""
    rows = []
    for i, v in enumerate(variants):
        if v.metric("metrics.deferred_tries") is None:
            continue
        model = v.config.get("scheduler", {}).get("model")
        poke = next((p for p in reversed(variants[:i]) if p.scenario == v.scenario and p.source == v.source
                     and p.config.get("scheduler", {}).get("model") == model
                     and p.metric("metrics.deferred_tries") is None), None)
        t = v.config.get("triggerer", {})
        occupancy, delay = v.metric("metrics.triggerer_occupancy"), v.metrics.get("trigger_delay_s", {})
        hours = v.metric("metrics.worker_hours")
        poke_hours = poke.metric("metrics.worker_hours") if poke else None
        saved = "-" if hours is None or poke_hours is None else f"{poke_hours - hours:.1f} h (vs {poke.label})"
        rows.append([v.label, f"{t.get('instances', '?')} × {t.get('capacity', '?')}",
                     "-" if occupancy is None else f"{100 * occupancy:.1f} %",
                     f"{v.metric('metrics.deferred_tries'):.0f}",
                     fmt_s(delay.get("p50")) if delay.get("count") else "-",
                     fmt_s(delay.get("p95")) if delay.get("count") else "-",
                     f"{v.metrics.get('trigger_timeouts', 0):.0f}", fmt_hours(hours), saved])
    if not rows:
        return []
    return [("h2", "Triggerer"),
            ("p", "A deferred try leaves its worker slot and waits in a triggerer until its trigger fires; then it "
                  "resumes on a worker. Trigger delay: its event to the resumed try's start. Worker-hours saved: "
                  "the poking variant's billed worker-hours minus this one's."),
            ("table", ["variant", "triggerers × capacity", "occupancy", "tries deferred", "trigger delay p50", "p95",
                       "timed out", "worker-hours", "worker-hours saved"], rows)]


def live_blocks(variants):
    """Simulated vs live results of the same scenario and variant, with the simulator's error."""
    live = [v for v in variants if v.source == "live"]
    if not live:
        return []
    def pct(x):
        return "-" if x is None else f"{100 * x:.1f} %"
    figures = [("loop mean", "metrics.scheduler_loop_duration_s.mean", fmt_s),
               ("transition mean", "metrics.task_transition_latency_s.mean", fmt_s),
               ("transition p50", "metrics.task_transition_latency_s.p50", fmt_s),
               ("transition p95", "metrics.task_transition_latency_s.p95", fmt_s),
               ("DB CPU", "metrics.db_cpu_utilization", pct)]
    header = ["variant"] + [h for f, _, _ in figures for h in (f"{f} sim", f"{f} live", "error")]
    rows, by_type = [], []
    for lv in live:
        sim = next((v for v in variants if v.source == "simulated" and v.scenario == lv.scenario and v.name == lv.name),
                   None)
        if sim is None:
            continue
        row = [lv.name]
        for _, path, fmt in figures:
            s, l = sim.metric(path), lv.metric(path)
            err = "-" if s is None or not l else f"{100 * (s - l) / l:+.1f} %"
            row += [fmt(s), fmt(l), err]
        rows.append(row)
        by_type += _db_cpu_by_type(lv.name, _by_type(sim), _by_type(lv))
    if not rows:
        return [("h2", "Simulated vs live"),
                ("p", "Live results are present but no simulated run of the same scenario and variant.")]
    blocks = [("h2", "Simulated vs live"),
              ("p", "The same scenario run by the simulator and replayed against a real PostgreSQL "
                    "(`schedlab live`); error = (simulated − live) / live. DB CPU is the share of the database's "
                    "cores its processes used."),
              ("table", header, rows)]
    if by_type:
        blocks += [("h3", "Where the database's CPU went"),
                   ("p", "Per statement, the query types that used most of the live backends' CPU: the simulator's "
                         "DB time (from the calibration) against the CPU the live backends spent (`db_cpu_seconds`, "
                         "read from /proc, each statement's from the end of its connection's previous one). The live "
                         "figure holds the backend's wake-up after its connection idled, which the simulator charges "
                         "apart from the statement's own cost, as it does each connection's start and end (the "
                         "calibration's `connections`): both are in the DB CPU above. The response is a statement's "
                         "time from sent to answered (`response_seconds`: the round trip, the wait for a core, the "
                         "service, and on a connection's first statement its backend's start, live its connect): "
                         "where the simulated and the live response part, the queueing does."),
                   ("table", ["variant", "query type", "statements live", "sim CPU per statement",
                              "live CPU per statement", "error", "share of live CPU", "sim response",
                              "live response", "response error"], by_type)]
    return blocks


def observed_blocks(variants, top=10):
    """Simulated vs observed (`schedlab import` of a real deployment): the replay's error per figure,
    for all DAGs and for the DAGs with the most transitions."""
    observed = [v for v in variants if v.source == "observed"]
    if not observed:
        return []
    figures = [("transition mean", "task_transition_latency_s.mean"),
               ("transition p50", "task_transition_latency_s.p50"),
               ("transition p95", "task_transition_latency_s.p95"),
               ("queued p50", "queued_duration_s.p50"),
               ("schedule delay p50", "schedule_delay_s.p50"),
               ("DAG run duration mean", "dagrun_duration_s.mean"),
               ("done after due p95", "dagrun_done_after_due_s.p95")]
    header = ["variant", "scope", "figure", "simulated", "observed", "error"]
    rows = []
    for ov in observed:
        sim = next((v for v in variants if v.source == "simulated" and v.scenario == ov.scenario
                    and v.name == ov.name), None)
        if sim is None:
            continue
        dags = ov.data.get("metrics_by_dag", {})
        busiest = sorted(dags, key=lambda d: -(dags[d].get("task_transition_latency_s", {}).get("count") or 0))[:top]
        for scope, prefix in [("all DAGs", ("metrics",))] + [(f"DAG {d}", ("metrics_by_dag", d)) for d in busiest]:
            for name, path in figures:
                keys = prefix + tuple(path.split("."))
                o, s = ov.metric_at(*keys), sim.metric_at(*keys)
                if o is None and s is None:
                    continue
                err = "-" if s is None or not o else f"{100 * (s - o) / o:+.1f} %"
                rows.append([ov.name, scope, name, fmt_s(s), fmt_s(o), err])
    if not rows:
        return [("h2", "Simulated vs observed"),
                ("p", "Observed results are present but no simulated run of the same scenario and variant "
                      "(`schedlab run` the imported scenario.yaml).")]
    return [("h2", "Simulated vs observed"),
            ("p", "What the imported deployment did (`schedlab import`: its database's timestamps) against the "
                  "simulator's replay of the imported scenario; error = (simulated − observed) / observed. "
                  "How far these are apart is how far to trust a what-if built on the scenario."),
            ("table", header, rows)]


def _by_type(v):
    """The variant's statements per query type ({type: {count, db_seconds, …}})."""
    key = schema.path("metrics.db_queries_by_type").split(".")[-1]
    return (v.data.get("metrics") or {}).get(key) or {}


def _db_cpu_by_type(name, sim, live, top=6):
    """Rows of the query types with the most live backend CPU: simulated and live CPU per statement."""
    total = sum((e.get("db_cpu_seconds") or 0) for e in live.values())
    if total <= 0:
        return []
    rows = []
    for qtype, e in sorted(live.items(), key=lambda kv: -(kv[1].get("db_cpu_seconds") or 0))[:top]:
        s = sim.get(qtype) or {}
        n_live, n_sim = e.get("count") or 0, s.get("count") or 0
        if not n_live or not n_sim:
            continue
        per_live = e["db_cpu_seconds"] / n_live
        per_sim = (s.get("db_seconds") or 0) / n_sim
        rows.append([name, qtype, f"{n_live:.0f}", f"{per_sim * 1e6:.0f} µs", f"{per_live * 1e6:.0f} µs",
                     f"{100 * (per_sim - per_live) / per_live:+.1f} %", f"{100 * e['db_cpu_seconds'] / total:.0f} %"]
                    + _response(s, n_sim, e, n_live))
    return rows


def _response(sim, n_sim, live, n_live):
    """Response time per statement (sent to answered), simulated and live, and the error."""
    if sim.get("response_seconds") is None or not live.get("response_seconds"):
        return ["-", "-", "-"]
    per_sim, per_live = sim["response_seconds"] / n_sim, live["response_seconds"] / n_live
    return [f"{per_sim * 1e6:.0f} µs", f"{per_live * 1e6:.0f} µs", f"{100 * (per_sim - per_live) / per_live:+.1f} %"]


def _down(s, zero="none"):
    """Time without a scheduler: `zero` when there was none."""
    return "-" if s is None else (zero if s == 0 else fmt_s(s))


def _cost(v):
    c = v.metric("metrics.cost")
    return "-" if c is None else f"{c:.2f}"


def fault_blocks(variants):
    """Per fault of each variant: how long no scheduler ran, when the alert fired, when the crashed
    scheduler was back, its orphans, and the transitions and SLA misses in the fault's window
    and in the hour after; then what each way of surviving a scheduler crash costs and saves."""
    with_faults = [v for v in variants if v.metrics.get("by_fault")]
    if not with_faults:
        return []
    header = ["variant", "fault", "no scheduler for", "alert after", "scheduler back after",
              "orphans adopted / reset", "transition p95 during / after", "SLA misses during / after"]
    rows = []
    for v in with_faults:
        for name, f in v.metrics["by_fault"].items():
            crash = f.get("kind") == "scheduler_crash"
            exits = f.get("scheduler_exits")  # a failover refusing connections ends schedulers
            path = f"metrics.by_fault.{name}"
            back = "-"
            if crash:
                back = fmt_s(f["scheduler_back_after_s"]) if f.get("scheduler_back_after_s") is not None else "not back"
            elif exits:
                back = (f"{fmt_s(f['schedulers_back_after_s'])} ({exits:.0f} exits)"
                        if f.get("schedulers_back_after_s") is not None else f"not back ({exits:.0f} exits)")
            rows.append([
                v.label, name if name == f.get("kind") else f"{name} ({f.get('kind')})",
                _down(f.get("scheduler_unavailable_s")) if crash or exits is not None else "-",
                (fmt_s(f.get("outage_detected_after_s")) if f.get("outage_detected_after_s") is not None
                 else "no alert") if crash else "-",
                back,
                f"{f.get('orphaned_tasks_adopted', 0):.0f} / {f.get('orphaned_tasks_cleared', 0):.0f}" if crash else "-",
                f"{fmt_s(v.metric(path + '.during.task_transition_latency_s.p95'))} / "
                f"{fmt_s(v.metric(path + '.after.task_transition_latency_s.p95'))}",
                f"{f.get('during', {}).get('sla_misses', 0):.0f} / {f.get('after', {}).get('sla_misses', 0):.0f}",
            ])
    blocks = [("h2", "Faults"),
              ("p", "Each fault's window runs from its start to its end — for a scheduler crash, until a process runs "
                    "that scheduler again (a restart or a standby taking over), or the end of the run — and \"after\" "
                    "is the hour that follows. \"No scheduler for\": how long the crashed scheduler's instance had none "
                    "running; \"alert after\": when the heartbeat alert fired, counted from the crash; orphans: the dead "
                    "job's queued and running task instances, adopted by a scheduler's executor or reset to be scheduled "
                    "again. A dash: nothing happened in the window (no transition, for a latency)."),
              ("table", header, rows)]
    crashed = [v for v in with_faults
               if any(f.get("kind") == "scheduler_crash" for f in v.metrics["by_fault"].values())]
    if crashed:
        header = ["variant", "scheduler processes (active + standby)", "no scheduler for (total)", "SLA misses",
                  "critical sections skipped (busy)", "DB CPU", "cost over the run"]
        rows = []
        for v in crashed:
            sched = v.config.get("scheduler", {})
            replicas = sched.get("replicas", 1)
            standby = 1 if sched.get("hot_standby") else 0
            busy = v.metric("metrics.critical_section_busy")
            cpu = v.metric("metrics.db_cpu_utilization")
            rows.append([v.label, f"{replicas} + {standby}", _down(v.metric("metrics.scheduler_unavailable_s")),
                         f"{v.metric('metrics.sla_misses') or 0:.0f}", "-" if busy is None else f"{busy:.0f}",
                         "-" if cpu is None else f"{100 * cpu:.2f} %", _cost(v)])
        base = crashed[0]
        notes = []
        for v in crashed[1:]:
            down, base_down = v.metric("metrics.scheduler_unavailable_s"), base.metric("metrics.scheduler_unavailable_s")
            miss, base_miss = v.metric("metrics.sla_misses") or 0, base.metric("metrics.sla_misses") or 0
            cost, base_cost = v.metric("metrics.cost"), base.metric("metrics.cost")
            extra = ("" if cost is None or base_cost is None
                     else f", for {cost - base_cost:+.2f} (the scenario's price units) over the run")
            notes.append(f"{v.label}: {_down(down, 'no time')} without a scheduler instead of "
                         f"{_down(base_down, 'no time')}, "
                         f"{miss:.0f} SLA misses instead of {base_miss:.0f}{extra}")
        blocks += [("h3", "What surviving a scheduler crash costs and saves"),
                   ("table", header, rows)]
        if notes:
            blocks.append(("p", f"Against {base.label}: " + "; ".join(notes) + ". Several active schedulers contend "
                                "for the pool rows of the critical section (\"critical section busy\": sections "
                                "skipped because another scheduler held them)."))
    return blocks
