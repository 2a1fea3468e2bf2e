// A DAG's tasks: the fields a task, a shape group and `task_defaults` share, and the `tasks:` list
// read entry by entry into a topologically ordered DagDef::tasks.
#pragma once

#include "scenario/Scenario.h"
#include "scenario/yaml/Fields.h"

namespace schedlab::yaml {

// Task fields shared by explicit tasks, shape groups and DAG-level task_defaults. Deferral fails
// under `model` airflow1 (Airflow 2.2 brought it).
void readTaskFields(Fields& f, TaskDef& t, SchedulerModel model);

// Reads `list` into dag.tasks (each starting from `defaults`), resolves deps and orders the tasks
// topologically; fails on unknown deps, duplicate ids and cycles.
void readTasks(const Context& ctx, const YAML::Node& list, const std::string& path, const TaskDef& defaults,
               SchedulerModel model, DagDef& dag);

}  // namespace schedlab::yaml
