#include "scenario/yaml/Sections.h"

namespace schedlab::yaml {

namespace {

// `section` exists only under airflow3 (elsewhere workers reach the DB themselves, and the
// scheduler parses DAG files).
bool onlyUnderAirflow3(const Context& ctx, Fields& top, const Scenario& s, const char* section) {
  if (!top.has(section)) return false;
  if (s.scheduler.model != SchedulerModel::Airflow3)
    ctx.fail(top.raw(section), section,
             std::string("exists only in the airflow3 model (the scheduler model is ") +
                 schedulerModelName(s.scheduler.model) +
                 ": its workers reach the metadata DB themselves, its "
                 "scheduler parses DAG files)");
  return true;
}

}  // namespace

void readApiServerSection(const Context& ctx, Fields& top, Scenario& s) {
  if (!onlyUnderAirflow3(ctx, top, s, "api_server")) return;
  Fields f(ctx, top.raw("api_server"), "api_server");
  auto& a = s.apiServer;
  a.instances = f.integer("instances", a.instances, 1, 1024);
  a.workers = f.integer("workers", a.workers, 1, 1024);
  a.cores = f.integer("cores", a.cores, 1, 1024);
  // `measured` (the default) or a duration.
  a.requestCost = f.measuredOrDuration("request_cost", a.requestCost);  // the calibration's FastAPI proxy
  a.clientCostPerStatement = f.measuredOrDuration("client_cost_per_statement", a.clientCostPerStatement);
  a.networkRtt = f.duration("network_rtt", a.networkRtt);
  a.pricePerHostHour = f.number("price_per_host_hour", a.pricePerHostHour, 0);
  if (f.has("background_load")) {
    Fields b(ctx, f.raw("background_load"), "api_server.background_load");
    if (!b.has("rate")) ctx.fail(f.raw("background_load"), "api_server.background_load.rate", "missing (e.g. 20/s)");
    a.backgroundRate = rateOf(ctx, b.raw("rate"), "api_server.background_load.rate");
    a.backgroundCost = b.duration("cost", a.backgroundCost, 1e-6);
    a.backgroundStart = b.duration("start", a.backgroundStart);
    a.backgroundEnd = b.duration("end", a.backgroundEnd);
    if (b.has("end") && a.backgroundEnd <= a.backgroundStart)
      ctx.fail(b.raw("end"), "api_server.background_load.end", "is not after its start");
    b.finish();
  }
  f.finish();
}

void readDagProcessorSection(const Context& ctx, Fields& top, Scenario& s) {
  if (!onlyUnderAirflow3(ctx, top, s, "dag_processor")) return;
  Fields f(ctx, top.raw("dag_processor"), "dag_processor");
  auto& c = s.scheduler;
  c.dagProcessorInstances = f.integer("instances", c.dagProcessorInstances, 1, 1024);
  c.parsingProcesses = f.integer("parsing_processes", c.parsingProcesses, 1, 256);
  c.minFileProcessInterval = f.duration("min_file_process_interval", c.minFileProcessInterval);
  c.dagFileParseCost = f.duration("dag_file_parse_cost", c.dagFileParseCost);
  f.finish();
}

void readWorkersSection(const Context& ctx, Fields& top, Scenario& s) {
  if (!onlyUnderAirflow3(ctx, top, s, "workers")) return;
  Fields f(ctx, top.raw("workers"), "workers");
  auto& w = s.workers;
  w.minHeartbeatInterval = f.duration("min_heartbeat_interval", w.minHeartbeatInterval, 1e-3);
  w.executionApiTimeout = f.duration("execution_api_timeout", w.executionApiTimeout, 1e-3);
  w.executionApiRetries = f.integer("execution_api_retries", w.executionApiRetries, 1, 100);
  w.retryWaitMin = f.duration("execution_api_retry_wait_min", w.retryWaitMin);
  w.retryWaitMax = f.duration("execution_api_retry_wait_max", w.retryWaitMax);
  if (w.retryWaitMax < w.retryWaitMin) {
    const bool max = f.has("execution_api_retry_wait_max");  // name the key that was written
    ctx.fail(f.raw(max ? "execution_api_retry_wait_max" : "execution_api_retry_wait_min"),
             max ? "workers.execution_api_retry_wait_max" : "workers.execution_api_retry_wait_min",
             max ? "is below execution_api_retry_wait_min" : "is above execution_api_retry_wait_max (90s)");
  }
  w.maxFailedHeartbeats = f.integer("max_failed_heartbeats", w.maxFailedHeartbeats, 1, 1000);
  f.finish();
}

}  // namespace schedlab::yaml
