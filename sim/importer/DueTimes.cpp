#include "importer/DueTimes.h"

#include <optional>

#include "scenario/Schedule.h"

namespace schedlab {

void fillDueTimes(ObservedDag& dag) {
  std::optional<Schedule> cron;
  if (dag.schedule.kind == ObservedSchedule::Kind::Cron) {
    std::string error;
    cron = Schedule::cron(dag.schedule.text, &error);
  }
  for (ObservedRun& r : dag.runs) {
    if (known(r.dueAt) || !known(r.logicalDate)) continue;
    if (r.external || dag.schedule.kind == ObservedSchedule::Kind::Once) {
      r.dueAt = r.logicalDate;
    } else if (dag.schedule.kind == ObservedSchedule::Kind::Interval) {
      r.dueAt = r.logicalDate + dag.schedule.seconds;
    } else if (cron) {
      r.dueAt = cron->after(r.logicalDate);
    }
  }
}

}  // namespace schedlab
