// The scheduler's main loop, for each scheduler model.
//
// airflow2: one iteration of SchedulerJob._run_scheduler_loop (create runs, examine runs and
// schedule their TIs, the critical section that queues them, executor events, heartbeat), timed
// as scheduler.scheduler_loop_duration without the idle sleep.
// airflow1: the 1.10 SchedulerJob._execute_helper loop, which only queues what the DAG-file
// processors scheduled (see DagFileProcessor); its pass over the files is the "loop" reported.
#pragma once

#include "model/SimContext.h"

namespace schedlab {

void runAirflow2Scheduler(SimContext& ctx, InstanceId instance, int replica);
void runAirflow1MainLoop(SimContext& ctx, InstanceId instance);

}  // namespace schedlab
