// One reader per top-level section of a scenario file. Each reads its section from the file's
// top-level mapping into the Scenario, checks it, and fails with the file, line and field path.
// Sections are read in the order ScenarioLoader.cpp calls them: a later section may use what an
// earlier one resolved (DAG defaults from `scheduler`, queues from `executor`, instances from
// `dags`), and what refers across sections is checked once all are read (References).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scenario/Scenario.h"
#include "scenario/yaml/Fields.h"

namespace schedlab::yaml {

// What a scenario's sections refer to across sections, checked once every section is read.
struct References {
  std::map<std::string, YAML::Node> dagNodes;                         // the DAGs by name
  std::vector<std::pair<YAML::Node, std::string>> sensors, triggers;  // "path=name" of each reference
  std::vector<std::pair<YAML::Node, std::string>> assetSchedules;     // each `schedule: {assets}`, its path
};

void readRunSection(const Context& ctx, Fields& top, Scenario& s);
void readSchedulerSection(const Context& ctx, Fields& top, Scenario& s);
void readMetadbSection(const Context& ctx, Fields& top, Scenario& s);
// REQUIRES: `scheduler` read (these exist only under airflow3); `dag_processor` before `dags`
// (its dag_file_parse_cost is their parse_cost's default).
void readApiServerSection(const Context& ctx, Fields& top, Scenario& s);
void readWorkersSection(const Context& ctx, Fields& top, Scenario& s);
void readDagProcessorSection(const Context& ctx, Fields& top, Scenario& s);
// REQUIRES: `scheduler` read (there is no triggerer under airflow1).
void readTriggererSection(const Context& ctx, Fields& top, Scenario& s);
// REQUIRES: `scheduler` read (worker-crash defaults). Adds the broker-outage shorthand to s.faults.
void readExecutorSection(const Context& ctx, Fields& top, Scenario& s);
// REQUIRES: `scheduler`, `run` and `executor` read (DAG defaults, start dates, queues).
void readDagsSection(const Context& ctx, Fields& top, Scenario& s, References& refs);
// REQUIRES: `dags` read.
void readTriggersSection(const Context& ctx, Fields& top, Scenario& s, const References& refs);
// REQUIRES: `dags` read (each DAG is given its instance).
void readInstancesSection(const Context& ctx, Fields& top, Scenario& s);
void readArchivingSection(const Context& ctx, Fields& top, Scenario& s);
void readMonitoringSection(const Context& ctx, Fields& top, Scenario& s);
// REQUIRES: `executor`, `instances` and `monitoring` read (pools, schedulers, alerts).
void readFaultsSection(const Context& ctx, Fields& top, Scenario& s);
// REQUIRES: `dags` and `instances` read (the DAG or instance a metric names).
void readSlasSection(const Context& ctx, Fields& top, Scenario& s);

// Sensors wait for known trigger streams; trigger_dagrun tasks start known DAGs.
void checkReferences(const Context& ctx, const Scenario& s, const References& refs);

}  // namespace schedlab::yaml
