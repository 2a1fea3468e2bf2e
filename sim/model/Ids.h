// The model's typed indices (util/Id.h). Each names the table it points into:
//   DefId       a DAG definition: Scenario::dags
//   DagId       a DAG: one of a definition's `count` copies (WorkflowState::dags)
//   RunId       a DAG run (WorkflowState::run)
//   TiId        a task instance (WorkflowState::ti); a run's are consecutive from DagRun::firstTi
//   InstanceId  a scheduler instance (Scenario::instances): a set of DAGs and its metadata DB
//   SchedulerId a scheduler process slot: an instance's replicas (SchedulerNumbering)
//   JobId       a SchedulerJob row: one per process that ran a scheduler (SchedulerJobs)
//   CrashId     a scheduler process's death (SchedulerJobs::crashes)
// Results keep plain numbers (results/ sits below the model): convert with value() there.
#pragma once

#include "util/Id.h"

namespace schedlab {

using DefId = Id<struct DefTag>;
using DagId = Id<struct DagTag>;
using RunId = Id<struct RunTag>;
using TiId = Id<struct TiTag>;
using InstanceId = Id<struct InstanceTag>;
using SchedulerId = Id<struct SchedulerTag>;
using JobId = Id<struct JobTag>;
using CrashId = Id<struct CrashTag>;

}  // namespace schedlab
