// The result names: every metric a run writes, its unit and which direction is better, defined
// once. Components write their metrics under these keys, the terminal summary and `check` format
// and judge them by unit and direction, and `schedlab schema --json` exports the table for the
// Python report (so no formatting rule is written twice).
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace schedlab {

enum class Unit {
  Seconds,     // s
  Ratio,       // 0-1, shown as a percentage
  Count,       // events, tries, runs, ...
  Statements,  // SQL statements
  Rows,
  Pages,  // DB pages (8 kB)
  Bytes,
  Hours,      // host-hours, core-hours, worker-hours
  Currency,   // the scenario's price units
  PerSecond,  // a rate: things per second
  Text,
};

enum class Better { Lower, Higher, Neither };

// How a metric's value is shaped in results.json.
enum class Shape {
  Scalar,   // a number (or null when it never happened)
  Summary,  // {"count", "mean", "p50", "p90", "p95", "p99", "max"}
  EndMax,   // {"end", "max"}
  Object,   // a map of named parts (per pool, per type, per fault, ...)
  Text,
};

// Where a metric appears: bits of a variant's sections.
enum Scope : unsigned {
  kRunScope = 1,       // metrics
  kDagScope = 2,       // metrics_by_dag.<dag>
  kInstanceScope = 4,  // metrics_by_instance.<instance>
  kPoolScope = 8,      // metrics_by_pool.<pool>
  kFaultScope = 16,    // metrics.by_fault.<fault>
};

struct Metric {
  std::string_view key;
  Unit unit;
  Better better;
  Shape shape;
  unsigned scopes;
  // `schedlab check` compares it against the baseline (a summary by mean, p50, p95 and p99; an
  // {"end", "max"} by its max).
  bool gated;
  std::string_view meaning;

  // The key as results.json writes it.
  std::string name() const { return std::string(key); }
};

// A figure as results.json keeps it: rounded to a millionth of its unit.
inline double roundMetric(double v) { return std::round(v * 1e6) / 1e6; }

namespace metric {
// Latency summaries, in the order `check` gates them.
extern const Metric kTaskTransitionLatency, kScheduleDelay, kDagrunDuration, kDagrunDoneAfterDue, kTriggerToStart,
    kTriggerToDone, kQueuedDuration, kSchedulerLoopDuration;
// The scheduler's own throughput under the mock executor, gated.
extern const Metric kSchedulerThroughput;
// airflow3's API server: request latency, utilisation and the tries its overload costs, gated; the
// rest not.
extern const Metric kApiRequestLatency, kApiServerUtilization, kTriesFailedOnHeartbeats, kApiRequestsPerTry,
    kApiRequestFailures;
// The triggerer and deferred tries (airflow2, airflow3): the delay, its occupancy and the tries
// deferred gated, its timeouts not.
extern const Metric kTriggerDelay, kTriggererOccupancy, kDeferredTries, kTriggerTimeouts, kTriggersOrphaned;
// Assets (airflow2, airflow3): events and the runs they started gated, events per run not.
extern const Metric kAssetEvents, kAssetTriggeredRuns, kAssetEventsPerRun;
// airflow3's standalone DAG processor.
extern const Metric kDagProcessingTotalParseTime, kDagFileParses;
// The kubernetes executor: a pod's start and its parts, what the nodes cost and the pods scale-down
// killed, and the tries stuck in queued; the start, node-hours and the losses gated.
extern const Metric kPodStartLatency, kNodeHours, kPodsKilledByScaleDown, kTasksStuckInQueued, kPodApi, kPodPending,
    kPodImagePull, kPodContainerStart, kPodsPending, kNodeHoursByPool, kNodesMax, kPodsRun, kNodeCpuUtilization,
    kTriesByExecutor;
// What the setup costs, gated.
extern const Metric kWorkerHours, kDbCoreHours, kDbCpuUtilization, kDbQueriesTotal, kCost, kDbSizeBytes;
// Losses, gated.
extern const Metric kTasksLost, kTasksFailed, kTasksKilledByScaleIn, kTasksKilledByDeploy, kDagrunsRecreatedByCatchup,
    kSlaMisses, kSchedulerUnavailable, kTasksRunTwiceAtOnce, kTasksSucceeded;
// The scheduler's loop and the metadata DBs.
extern const Metric kDbQueriesPerLoop, kDbQueriesPerPass, kDbQueriesByType, kDbActiveBackendsByWaitEvent,
    kDbCacheHitRatio, kDbPagesReadFromDisk, kDbCpuSecondsByPart, kDbRows, kCriticalSectionBusy, kMetadb;
// Task instances and DAG runs.
extern const Metric kTasksCreated, kTasksUpstreamFailed, kTasksInFlightAtEnd, kDagrunsCreated, kDagrunsSucceeded,
    kDagrunsFailed, kTriggerArrivals, kSensorReschedules;
// Workers and their pools.
extern const Metric kWorkerHoursByPool, kScaleEvents, kTasksKilledByWorkerCrash, kTasksRedelivered, kZombiesKilled,
    kWorkersMax, kTriesRun, kWorkerCpuUtilization, kWorkersLaunched, kWorkersTerminated;
// Scheduler processes, faults and archiving.
extern const Metric kByFault, kOutageDetectedAfter, kSchedulerAlerts, kSchedulerRestarts, kStandbyTakeovers,
    kOrphanedTasksAdopted, kOrphanedTasksCleared, kStaleMessages, kSchedulerExitsOnDbErrors, kTasksFailedOnDbErrors,
    kTaskEndsLostOnDbErrors, kSchedulerHostHours, kArchivingRuns, kArchivingRowsDeleted, kSchedulerBackAfter,
    kOrphansTakenOverAfter, kSchedulerExits, kSchedulersBackAfter;
}  // namespace metric

// Every metric, gated ones first in the order `check` lists them.
const std::vector<const Metric*>& metricSchema();
// The metric named `key`, or nullptr.
const Metric* findMetric(std::string_view key);
// The metric a dotted results path ends in ("metrics_by_dag.x.task_transition_latency_s.p95"), or
// nullptr.
const Metric* metricOfPath(std::string_view path);

// "metrics.<key>", or "metrics.<key>.<part>" (a summary's statistic, an {"end", "max"}'s max).
std::string runPath(const Metric& m, std::string_view part = "");

const char* unitName(Unit u);      // "s", "0-1", "count", ...
const char* betterName(Better b);  // "lower", "higher", "neither"
// A value in its unit for a person: "1.23 s", "45.6%", "1234".
std::string formatValue(Unit u, double v);

// The schema as `schedlab schema --json` prints it, and as README's results table.
nlohmann::json schemaJson();
std::string schemaMarkdown();

}  // namespace schedlab
