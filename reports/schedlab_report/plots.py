"""The report's figures, drawn with matplotlib (Agg). Every axis says its unit; each variant
keeps one colour in every figure. Each function saves a PNG and returns its caption, or None
when the results hold nothing to draw."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

DPI = 100


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def _time_axis(variants):
    """A unit for simulated time that keeps tick labels short: (divisor, label)."""
    longest = max((v.timeseries["time_s"].max() for v in variants if len(v.timeseries.get("time_s", [])) > 0),
                  default=0)
    if longest > 3 * 86400:
        return 86400.0, "simulated time (days)"
    if longest > 3 * 3600:
        return 3600.0, "simulated time (hours)"
    return 60.0, "simulated time (minutes)"


def transition_cdf(variants, focus, path):
    """Overlaid CDFs of task transition latency (log axis): all DAGs, and the focus DAG."""
    scopes = [("all DAGs", "metrics")]
    if focus and any(v.data.get("metrics_by_dag", {}).get(focus, {}).get("task_transition_latency_s", {}).get("cdf")
                     for v in variants):
        scopes.append((f"DAG {focus}", f"metrics_by_dag.{focus}"))
    fig, axes = plt.subplots(1, len(scopes), figsize=(6 * len(scopes), 4.2), squeeze=False)
    drawn = False
    for ax, (title, scope) in zip(axes[0], scopes):
        for v in variants:
            node = v.data
            for key in scope.split("."):
                node = node.get(key, {})
            cdf = node.get("task_transition_latency_s", {}).get("cdf")
            if not cdf:
                continue
            p = np.array([c[0] for c in cdf]) / 100.0
            x = np.maximum(np.array([c[1] for c in cdf]), 1e-3)  # a log axis has no zero
            ax.step(x, p, where="post", color=v.color, label=v.label)
            drawn = True
        ax.set_xscale("log")
        ax.set_xlabel("task transition latency (s, log scale)")
        ax.set_ylabel("fraction of transitions")
        ax.set_ylim(0, 1.01)
        ax.set_title(f"Transition latency CDF, {title}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    if not drawn:
        plt.close(fig)
        return None
    _save(fig, path)
    return ("Time from a task's upstream finishing to the task running, as a cumulative distribution "
            "(further left is better).")


def _series_plot(variants, panels, path, title):
    """Stacked time-series panels: [(column, ylabel, scale)]; None when no variant has them."""
    present = [p for p in panels if any(len(v.timeseries.get(p[0], [])) > 0 for v in variants)]
    if not present:
        return False
    div, xlabel = _time_axis(variants)
    fig, axes = plt.subplots(len(present), 1, figsize=(10, 2.6 * len(present) + 0.6), sharex=True, squeeze=False)
    for ax, (column, ylabel, scale) in zip(axes[:, 0], present):
        for v in variants:
            t = v.timeseries.get("time_s")
            y = v.timeseries.get(column)
            if t is None or y is None or len(y) == 0:
                continue
            ax.plot(t / div, y * scale, color=v.color, label=v.label, linewidth=1.2)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
    axes[0, 0].set_title(title)
    axes[0, 0].legend(fontsize=8, loc="best", ncol=min(4, len(variants)))  # where it hides least data
    axes[-1, 0].set_xlabel(xlabel)
    _save(fig, path)
    return True


def scheduler_loop(variants, path):
    ok = _series_plot(variants, [("scheduler_loop_duration_s", "loop duration (s)", 1.0),
                                 ("queries_per_loop", "DB queries per loop", 1.0)],
                      path, "Scheduler loop over time (mean per sample interval)")
    return "How long one scheduler loop takes, and how many queries it sends, over the run." if ok else None


def _size_scale(variants):
    biggest = max((v.timeseries.get("db_size_bytes", np.zeros(1)).max() for v in variants), default=0)
    return (1e-9, "DB size (GB)") if biggest >= 1e9 else (1e-6, "DB size (MB)")


def metadata_db(variants, path):
    scale, label = _size_scale(variants)
    ok = _series_plot(variants, [("db_utilization", "DB CPU utilisation (%)", 100.0),
                                 ("db_size_bytes", label, scale),
                                 ("task_instance_rows", "task_instance rows (millions)", 1e-6),
                                 ("db_cache_hit_ratio", "buffer cache hit ratio (%)", 100.0)],
                      path, "Metadata database over time")
    return ("The metadata DB's CPU use, its size and the share of pages its queries find in memory; "
            "archiving shows as a saw-tooth in size and rows." if ok else None)


def queue_and_workers(variants, path):
    ok = _series_plot(variants, [("queue_depth", "queued tasks (broker)", 1.0),
                                 ("busy_workers", "busy workers", 1.0),
                                 ("running_tasks", "running tasks", 1.0)],
                      path, "Queue depth and workers over time")
    return "Messages waiting in the broker, workers with work, and tasks running." if ok else None


def api_server(variants, path):
    """airflow3: the API server's utilisation, request latency and backlog over time."""
    with_api = [v for v in variants if len(v.api_series.get("time_s", [])) > 0]
    if not with_api:
        return None
    panels = [("api_server_utilization", "API server CPU (%)", 100.0),
              ("api_request_p95_s", "request p95 (s)", 1.0),
              ("api_requests_queued", "requests waiting for a thread", 1.0)]
    div, xlabel = _time_axis(with_api)
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 2.6 * len(panels) + 0.6), sharex=True, squeeze=False)
    for ax, (column, ylabel, scale) in zip(axes[:, 0], panels):
        for v in with_api:
            y = v.api_series[column] * scale
            if column == "api_request_p95_s":  # no point where nothing was answered
                y = np.where(v.api_series["api_requests_per_s"] > 0, y, np.nan)
            ax.plot(v.api_series["time_s"] / div, y, color=v.color, label=v.label, linewidth=1.2)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
    axes[0, 0].set_title("API server over time (per sample interval)")
    axes[0, 0].legend(fontsize=8, loc="best", ncol=min(4, len(with_api)))
    axes[-1, 0].set_xlabel(xlabel)
    _save(fig, path)
    return ("Airflow 3's API server: its CPU over its usable cores, the 95th percentile of the tries' answered "
            "requests, and the requests (tries' and UI's) waiting for one of its threads.")


def faults(variants, path):
    """Around each fault: tasks running and messages waiting, per variant, its window shaded."""
    names = []
    for v in variants:
        for name in (v.metrics.get("by_fault") or {}):
            if name not in names:
                names.append(name)
    if not names or not any(len(v.timeseries.get("time_s", [])) > 0 for v in variants):
        return None
    fig, axes = plt.subplots(len(names), 2, figsize=(11, 2.8 * len(names) + 0.6), squeeze=False)
    for row, name in enumerate(names):
        windows = [(v, v.metrics["by_fault"][name]["during"]) for v in variants if name in (v.metrics.get("by_fault") or {})]
        start = min(w["from_s"] for _, w in windows)
        # Until the latest window that ends before the run does (a crash nobody restarts lasts to the end).
        ends = [w["to_s"] for v, w in windows if w["to_s"] < v.horizon_s() - 1] or [start + 1800]
        lo, hi = start - 1800, max(ends) + 3600
        for col, (column, ylabel) in enumerate([("running_tasks", "running tasks"), ("queue_depth", "queued tasks (broker)")]):
            ax = axes[row, col]
            for v, w in windows:
                t, y = v.timeseries.get("time_s"), v.timeseries.get(column)
                if t is None or y is None or len(y) == 0:
                    continue
                keep = (t >= lo) & (t <= hi)
                ax.plot((t[keep] - start) / 60.0, y[keep], color=v.color, label=v.label, linewidth=1.2)
                ax.axvspan(0, (min(w["to_s"], hi) - start) / 60.0, color=v.color, alpha=0.08)
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_ylabel(ylabel)
            ax.set_xlabel(f"minutes from {name} (at {start / 3600:.2f} h)")
            ax.grid(True, alpha=0.3)
        axes[row, 0].set_title(f"{name}: tasks running")
        axes[row, 1].set_title(f"{name}: messages waiting")
    axes[0, 0].legend(fontsize=8, loc="best")
    _save(fig, path)
    return ("Around each fault, tasks running and messages waiting in the broker; each variant's fault window is "
            "shaded in its colour (a crashed scheduler's lasts until a process runs it again).")


def _node_pools(v):
    """The variant's node pools (executor kubernetes at the executor's level; beside Celery under `kubernetes`)."""
    executor = v.config.get("executor", {})
    pods = executor.get("kubernetes", executor)
    return {p.get("name") for p in (pods.get("node_pools") or [])}


def _pool_steps(variants, pools, rows, title, path, owns):
    """A panel per pool and row (column, y label with {pool}, scale): each variant's samples of that pool
    (where `owns(v, pool)`) as steps."""
    div, xlabel = _time_axis(variants)
    n = len(rows)
    fig, axes = plt.subplots(len(pools) * n, 1, figsize=(10, 2.4 * n * len(pools) + 0.6), sharex=True, squeeze=False)
    for k, pool in enumerate(pools):
        for row, (column, ylabel, scale) in enumerate(rows):
            ax = axes[n * k + row, 0]
            for v in variants:
                cols = v.pool_series.get(pool, {}) if owns(v, pool) else {}
                if len(cols.get(column, [])) == 0:
                    continue
                ax.step(cols["time_s"] / div, cols[column] * scale, where="post", color=v.color, label=v.label,
                        linewidth=1.2)
            ax.set_ylabel(ylabel.format(pool=pool))
            ax.grid(True, alpha=0.3)
    axes[0, 0].set_title(title)
    axes[0, 0].legend(fontsize=8, loc="best", ncol=min(4, len(variants)))
    axes[-1, 0].set_xlabel(xlabel)
    _save(fig, path)


def node_pools(variants, path):
    """executor kubernetes: nodes on and pods pending in each node pool over time; None without pods."""
    pools = sorted({p for v in variants for p in _node_pools(v) if p in v.pool_series})
    if not pools:
        return None
    _pool_steps(variants, pools, [("workers", "nodes in {pool}", 1.0), ("queue_depth", "pods pending", 1.0)],
                "Node pools over time", path, lambda v, pool: pool in _node_pools(v))
    return ("Nodes on (booting or up: billed) in each node pool, and the pods waiting for a node it could give "
            "them, sampled every `sample_interval`.")


def worker_pools(variants, path):
    """Workers of each pool that changed size in some variant, over time; None when none did."""
    pools = sorted({p for v in variants for p, cols in v.pool_series.items()
                    if p not in _node_pools(v)
                    and len(cols.get("workers", [])) > 0 and cols["workers"].min() != cols["workers"].max()})
    if not pools:
        return None
    _pool_steps(variants, pools, [("workers", "workers in {pool}", 1.0),
                                  ("worker_cpu_utilization", "CPU of {pool} (%)", 100.0)],
                "Autoscaled worker pools over time", path, lambda v, pool: pool not in _node_pools(v))
    return ("Workers on (booting, up or draining: billed) in each pool whose size changes, and their CPU; "
            "a scale-in while tries still run is the premature scale-in.")


def gantt(runs, colors, dag, path):
    """One run of `dag` per variant: a bar per task from scheduled to started (waiting, light) and
    from started to ended (running, solid)."""
    if not runs:
        return None
    fig, axes = plt.subplots(len(runs), 1, figsize=(10, 1.2 + 2.4 * len(runs)), squeeze=False)
    for ax, (label, (run_id, tries)) in zip(axes[:, 0], runs.items()):
        t0 = min(t[1] for t in tries)
        tries = sorted(tries, key=lambda t: (t[4] if not math.isnan(t[4]) else t[1], t[0]))
        for i, (task, created, scheduled, queued, started, ended) in enumerate(tries):
            ready = scheduled if not math.isnan(scheduled) else created
            if not math.isnan(started):
                ax.barh(i, started - ready, left=ready - t0, color=colors[label], alpha=0.3, height=0.8)
                ax.barh(i, ended - started, left=started - t0, color=colors[label], height=0.8)
        ax.set_yticks([])
        ax.set_ylabel(f"{len(tries)} tasks")
        ax.set_title(f"{label}: {run_id}", fontsize=9)
        ax.grid(True, axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel("seconds since the run was created")
    fig.suptitle(f"One run of DAG {dag} (median duration): light = waiting for the scheduler, solid = running",
                 fontsize=10)
    _save(fig, path)
    return (f"A run of median duration of DAG {dag} in each variant. The light part of a bar is the "
            "time a ready task waited to start.")


def cost_vs_latency(variants, metric, metric_label, path):
    """Every variant as a point: what it costs (worker-hours, or metrics.cost) vs a latency."""
    points = []
    for v in variants:
        y = v.metric(metric)
        cost = v.metric("metrics.cost")
        x = cost if cost is not None else v.metric("metrics.worker_hours")
        if x is None or y is None:
            continue
        points.append((v, x, y))
    if not points:
        return None
    use_cost = all(v.metric("metrics.cost") is not None for v, _, _ in points)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for v, x, y in points:
        ax.scatter([x], [y], color=v.color, s=60, label=v.label, zorder=3)
        ax.annotate(v.label, (x, y), textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.set_xlabel("cost (currency units)" if use_cost else "worker-hours (h)")
    ax.set_ylabel(f"{metric_label} (s)")
    ax.set_title("Cost vs latency (lower left is better)")
    ax.grid(True, alpha=0.3)
    xs = [p[1] for p in points]
    if max(xs) == min(xs):
        ax.set_xlim(min(xs) * 0.8 - 1, max(xs) * 1.2 + 1)
    ax.set_ylim(bottom=0)
    _save(fig, path)
    return f"Each variant's worker cost for the horizon against its {metric_label}."
