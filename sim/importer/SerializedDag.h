// A DAG as Airflow's serialized_dag.data keeps it (2.x: __version 1; 3.x: 2 and 3, operators
// wrapped as {"__type": …, "__var": {…}}): its tasks and their downstream ids, schedule
// (schedule_interval or timetable) and limits.
#pragma once

#include <nlohmann/json.hpp>

#include "importer/Deployment.h"

namespace schedlab {

// Fills dag.tasks (upstreams from the downstream ids), dag.schedule where the JSON states it and
// dag.maxActiveRuns / maxActiveTasks. Returns false (dag unchanged) when the JSON has no task list.
bool readSerializedDag(const nlohmann::json& data, ObservedDag& dag);

// A schedule as Airflow serializes or stores it: a cron string or preset, "@once", null or
// "None", {"__type": "timedelta", "__var": seconds}, 1.10's {"type": "timedelta", "attrs":
// {days, seconds, microseconds}}, or a timetable ({"__type": "…CronDataIntervalTimetable",
// "__var": {"expression": …}}, Delta…, Null…, Once…). Kind Unknown when it is none of these.
ObservedSchedule scheduleFromJson(const nlohmann::json& v);

// A timetable's summary as 3.x's dag.timetable_summary and REST API v2 give it: a cron expression
// or preset, a timedelta's text ("1:00:00", "1 day, 0:00:00"), or "None" / "" (no schedule).
ObservedSchedule scheduleFromSummary(const std::string& summary);

}  // namespace schedlab
