// `schedlab calibrate [--pg URL] [--quick] [--sizes N,N,…] --out FILE.json`: measures Airflow's
// queries on a live PostgreSQL (a throwaway cluster unless --pg) and writes the calibration the
// simulator reads (`schedlab run --calibration FILE`), with a table of the fit on stdout.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "live/LiveRun.h"
#include "model/QueryCostModel.h"
#include "pg/ApiRequestCost.h"
#include "pg/CalibrationFit.h"
#include "pg/ClientCost.h"
#include "pg/QueryBenchmarks.h"
#include "pg/QueryShapes.h"
#include "pg/ServerCpu.h"
#include "pg/SpeedProbe.h"
#include "results/ResultsWriter.h"
#include "scenario/Duration.h"

namespace schedlab::cli {
namespace {

std::string machine() {
  struct utsname u {};
  ::uname(&u);
  std::ifstream mem("/proc/meminfo");
  std::string key;
  double kb = 0;
  mem >> key >> kb;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s, %ld cores, %.0f GiB", u.machine, ::sysconf(_SC_NPROCESSORS_ONLN), kb / 1048576);
  return buf;
}

std::string utcNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::vector<long long> parseSizes(const std::string& text) {
  std::vector<long long> sizes;
  try {
    sizes = parseHistorySizes(text);
  } catch (const std::invalid_argument& e) {
    throw BadInput(std::string("--sizes: ") + e.what());
  }
  if (sizes.size() < 2) throw BadInput("--sizes: at least two sizes, to see how costs grow");
  return sizes;
}

// What a connection costs the server beyond its statements.
void printConnections(const nlohmann::json& c) {
  std::printf("connections: %.2f ms of DB CPU to start and end a backend", c["setup_s"].get<double>() * 1e3);
  if (c.contains("start_s")) {
    std::printf(" (%.2f ms of it before the client's first answer", c["start_s"].get<double>() * 1e3);
    if (c.contains("start_backend_s"))
      std::printf(", %.2f ms of that the backend's own", c["start_backend_s"].get<double>() * 1e3);
    std::printf(")");
  }
  if (c.contains("cold_statements_s"))
    std::printf(", %.2f ms more for a task runner's first statements on it (%.2f ms, %.2f ms at the per-type costs)",
                c["cold_statements_s"].get<double>() * 1e3, c["first_work"]["backend_cpu_s"].get<double>() * 1e3,
                c["first_work"]["at_per_type_costs_s"].get<double>() * 1e3);
  std::printf("; a statement's DB CPU after idling");
  const auto& idle = c["idle_s"];
  const auto& cpu = c["statement_cpu_s"];
  for (size_t i = 0; i < idle.size(); ++i)
    std::printf("%s %s %.0f us", i ? "," : "", formatDuration(idle[i].get<double>()).c_str(),
                cpu[i].get<double>() * 1e6);
  std::printf("\n");
  if (!c.contains("wake_factor")) return;
  std::printf("connections: a batch's wake-up after idling %s, times the statement's above:",
              formatDuration(idle.back().get<double>()).c_str());
  const char* sep = "";
  for (auto it = c["wake_factor"].begin(); it != c["wake_factor"].end(); ++it, sep = ",")
    std::printf("%s %s %.2fx", sep, it.key().c_str(), it.value().get<double>());
  std::printf("\n");
}

// The server's own processes' CPU per query of each type that leaves them some (its writes' commits
// flushed by the WAL writer), as the calibration writes it.
void printServerProcesses(const nlohmann::json& queries) {
  std::string line;
  for (auto it = queries.begin(); it != queries.end(); ++it) {
    const double own = it.value().value("server_processes_s", 0.0);
    if (own < 1e-6) continue;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s %s %.1f us", line.empty() ? "" : ",", it.key().c_str(), own * 1e6);
    line += buf;
  }
  if (!line.empty())
    std::printf("server's own processes per query (the WAL writer flushing its commits), the rest under 1 us:%s\n",
                line.c_str());
}

// Where the DB's time goes per execution at the middle size: the backend's CPU, split.
void printServerCpu(const CalibrationMeasurements& m) {
  if (m.serverCpu.empty()) {
    std::printf("DB CPU: the server's processes are not on this machine; DB time is latency less round trips\n");
    return;
  }
  const long long size = m.sizes[m.sizes.size() / 2];
  std::printf(
      "\nDB CPU per execution at %lld task instances (backend CPU from /proc; execution and planning from "
      "pg_stat_statements)\n%-40s %9s %9s %9s %9s\n",
      size, "shape (layout/name)", "cpu", "execution", "planning", "other");
  for (SchemaLayout layout : kSchemaLayouts) {
    for (const QueryShape& shape : queryShapes(layout)) {
      const std::string key = measurementKey(layout, size, shape.name);
      auto cpu = m.serverCpu.find(key);
      if (cpu == m.serverCpu.end()) continue;
      const double exec = m.serverExec.at(key), plan = m.serverPlan.at(key);
      std::printf("%-40s %6.1f us %6.1f us %6.1f us %6.1f us\n",
                  (std::string(layoutName(layout)) + "/" + shape.name).c_str(), cpu->second * 1e6, exec * 1e6,
                  plan * 1e6, std::max(0.0, cpu->second - exec - plan) * 1e6);
    }
  }
}

void printFit(const CalibrationFitResult& fit, const CalibrationMeasurements& m) {
  std::printf("\n%-40s %9s %11s %9s %7s  %s\n", "shape (layout/name)", "fixed", "per decade", "per row", "pages",
              "fit error per size (% of the DB time)");
  for (size_t i = 0; i < fit.time.size(); ++i) {
    const ShapeFit& t = fit.time[i];
    const ShapeFit& p = fit.pages[i];
    std::string err;
    for (double e : t.errorPct)
      err += (err.empty() ? "" : ", ") + std::to_string(static_cast<int>(std::lround(e))) + "%";
    const bool perRow = t.perRowReturned + t.perRowScanned > 0;
    std::printf("%-40s %6.1f us %8.2f us %6.3f us %7.1f  %s\n", t.key.c_str(), t.fixed * 1e6, t.perDecade * 1e6,
                (t.perRowReturned + t.perRowScanned) * 1e6,
                p.fixed + p.perDecade * 6 + (perRow ? 40 * (p.perRowReturned + p.perRowScanned) : 0), err.c_str());
  }
  for (const ShapeFit& t : fit.types) {
    std::string err;
    for (double e : t.errorPct)
      err += (err.empty() ? "" : ", ") + std::to_string(static_cast<int>(std::lround(e))) + "%";
    std::printf("%-40s %6.1f us %8.2f us %6.3f us %7s  %s\n", t.key.c_str(), t.fixed * 1e6, t.perDecade * 1e6,
                t.perRowReturned * 1e6, "", err.c_str());
  }
  std::printf(
      "(pages at 1e6 rows of its table and, with a per-row cost, 40 rows; statements:<type> is a catalog "
      "type's own statements, per query)\n");
  for (long long size : m.sizes) {
    auto key = [&](const char* shape) { return measurementKey(SchemaLayout::Airflow110, size, shape); };
    if (!m.latency.count(key("dep_pass_per_task"))) continue;
    double perTask = m.latency.at(key("dep_pass_per_task")), perDag = m.latency.at(key("dep_pass_per_dag"));
    std::printf("dependency pass of a 40-task run at %lld task instances: per task %.3f ms, per DAG %.3f ms (x%.1f)\n",
                size, perTask * 1e3, perDag * 1e3, perTask / perDag);
  }
  printServerCpu(m);
  if (!m.coldPageRead.empty()) {
    std::vector<double> c = m.coldPageRead;
    std::sort(c.begin(), c.end());
    std::printf("page read from disk: %.1f us (median of %zu rounds)\n", c[c.size() / 2] * 1e6, c.size());
  } else {
    std::printf(
        "page read from disk: not measured on a server schedlab did not start (scenarios set "
        "metadb.page_read_latency)\n");
  }
  for (const ContentionResult& c : m.contention)
    std::printf(
        "contention, %d clients at %lld task instances on %d DB cores: measured %.1f us a query, the "
        "simulator's model %.1f us (%+.0f %%)\n",
        c.clients, m.contentionSize, m.dbCores, c.measuredSeconds * 1e6, c.predictedSeconds * 1e6,
        c.measuredSeconds > 0 ? (c.predictedSeconds / c.measuredSeconds - 1) * 100 : 0.0);
  double diff = m.pgbenchTps > 0 ? (m.harnessTps / m.pgbenchTps - 1) * 100 : 0;
  std::printf("harness check, prepared SELECT 1, one client: harness %.0f/s, pgbench -M prepared %.0f/s (%+.1f %%)%s\n",
              m.harnessTps, m.pgbenchTps, diff, std::fabs(diff) <= 10 ? "" : "  ** more than 10 % apart **");
}

}  // namespace

// The scheduler-side costs as measured: the libraries, then per type its fixed and per-row cost.
void printClientCosts(const nlohmann::json& c) {
  const auto& lib = c.at("libraries");
  std::printf("\nscheduler-side cost per query (client CPU: SQLAlchemy %s, psycopg2 %s, Python %s)\n",
              lib.at("sqlalchemy").get<std::string>().c_str(), lib.at("psycopg2").get<std::string>().c_str(),
              lib.at("python").get<std::string>().c_str());
  std::printf("%-28s %10s %14s\n", "query type", "fixed", "per row");
  for (const auto& [name, t] : c.at("queries").items())
    std::printf("%-28s %7.3f ms %9.2f us %s\n", name.c_str(), t.at("fixed_s").get<double>() * 1e3,
                t.at("per_row_s").get<double>() * 1e6, t.at("per_row_of").get<std::string>().c_str());
}

void printApiRequestCost(const nlohmann::json& a) {
  const auto& lib = a.at("libraries");
  std::printf("API server request cost (proxy: FastAPI %s, uvicorn %s, pydantic %s): %.3f ms a request\n",
              lib.at("fastapi").get<std::string>().c_str(), lib.at("uvicorn").get<std::string>().c_str(),
              lib.at("pydantic").get<std::string>().c_str(), a.at("request_cost_s").get<double>() * 1e3);
}

// --client-only: the scheduler-side costs alone (and the API server's request cost), measured on a
// history of the plan's middle size and written into the calibration `out`, whose DB costs stay as
// they are.
int calibrateClientOnly(const std::string& out, const std::string& url, const CalibrationPlan& plan) {
  const long long size = plan.sizes[plan.sizes.size() / 2];
  const int repeat = plan.clientRepeat;
  nlohmann::json calibration;
  try {
    QueryCostModel::fromFile(out);
    std::ifstream in(out);
    calibration = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw BadInput("--client-only: --out must name an existing calibration: " + std::string(e.what()));
  }
  std::unique_ptr<BenchDatabase> db;
  try {
    db = std::make_unique<BenchDatabase>(url);
  } catch (const std::exception& e) {
    if (url.empty()) throw;
    throw BadInput("--pg: " + std::string(e.what()));
  }
  std::fprintf(stderr, "calibrate: %s\nloading airflow1.10 with %lld task instances\n", db->describe().c_str(), size);
  const History h = historyOf(size);
  db->load(SchemaLayout::Airflow110, h);
  nlohmann::json costs =
      clientCostsJson(measureClientCost(db->connectionString(), db->schemaOf(SchemaLayout::Airflow110, h), repeat));
  costs["measured"] = {{"command", "schedlab calibrate --client-only"},
                       {"date", utcNow()},
                       {"machine", machine()},
                       {"task_instances", size}};
  calibration["client_costs"] = costs;
  calibration["api_server"] = measureApiRequestCost(plan.apiRequests, plan.apiRounds);
  writeFileAtomically(out, calibration.dump(2) + "\n");
  printClientCosts(costs);
  printApiRequestCost(calibration["api_server"]);
  std::printf("calibration: %s (client_costs and api_server replaced)\n", out.c_str());
  return kOk;
}

int cmdCalibrate(const Args& args) {
  namespace po = boost::program_options;
  po::options_description visible("schedlab calibrate --out FILE.json [--pg URL] [--quick] [--sizes N,N,...]");
  visible.add_options()("help,h", "show this help")("out,o", po::value<std::string>(), "the calibration file to write")(
      "pg", po::value<std::string>()->default_value(""),
      "an existing PostgreSQL (postgresql://...); tables go in a schema schedlab creates and drops. Default: a "
      "throwaway cluster of its own")("quick", po::bool_switch(),
                                      "1e4 and 1e5 task instances, short runs: under 2 minutes")(
      "sizes", po::value<std::string>(), "history sizes in task instances (default 1e4,1e5,1e6; add 1e7 for a big DB)")(
      "min-time", po::value<double>(), "seconds per benchmark (default 0.5, 0.05 with --quick)")(
      "rounds", po::value<int>(), "passes over every shape and size, median kept (default 3, 2 with --quick)")(
      "db-cores", po::value<int>(),
      "the server's cores (default: this machine's). Fewer than this machine has: the throwaway server runs on "
      "CPUs 0 … N-1 and the measuring clients on the rest, as `schedlab live` runs a scenario whose metadb.cores "
      "is N, so the costs are those of a DB with that many cores")(
      "benchmark-out", po::value<std::string>(), "also write Google Benchmark's JSON here (default: FILE.bench.json)")(
      "db-time", po::value<std::string>()->default_value("cpu"),
      "a query's DB time: cpu (its backend's CPU, sent as Airflow sends it) or latency (its prepared latency less "
      "round trips, plus planning: the shipped calibration's method)")(
      "layouts", po::value<std::string>(),
      "schema layouts measured (default airflow1.10,airflow2.5,airflow3.1; the first two always: without "
      "airflow3.1 the calibration has no airflow3 section)")(
      "client-only", po::bool_switch(),
      "measure only the scheduler's side of each statement (SQLAlchemy) into FILE, an existing calibration whose DB "
      "costs stay");
  auto parsed = parseCommand("calibrate", args, visible, "", 0, 0);
  if (!parsed) return kOk;
  auto& o = parsed->options;
  if (!o.count("out")) throw BadInput("--out FILE.json is required");
  const std::string out = o["out"].as<std::string>();
  const bool quick = o["quick"].as<bool>();
  CalibrationPlan plan;
  plan.sizes = o.count("sizes") ? parseSizes(o["sizes"].as<std::string>())
                                : (quick ? std::vector<long long>{10000, 100000} : plan.sizes);
  plan.minTime = o.count("min-time") ? o["min-time"].as<double>() : (quick ? 0.05 : 0.5);
  if (plan.minTime <= 0) throw BadInput("--min-time must be positive");
  plan.rounds = o.count("rounds") ? o["rounds"].as<int>() : (quick ? 2 : 3);
  if (plan.rounds < 1) throw BadInput("--rounds must be at least 1");
  plan.pgbenchSeconds = quick ? 1 : 2;
  plan.contentionSeconds = quick ? 1 : 3;
  if (o.count("db-cores")) {
    plan.dbCores = o["db-cores"].as<int>();
    if (plan.dbCores < 1) throw BadInput("--db-cores must be at least 1");
  }
  plan.benchmarkOut = o.count("benchmark-out") ? o["benchmark-out"].as<std::string>() : out + ".bench.json";
  const std::string dbTime = o["db-time"].as<std::string>();
  if (dbTime != "cpu" && dbTime != "latency") throw BadInput("--db-time: '" + dbTime + "' is not cpu or latency");
  plan.serverCpuSeconds = dbTime == "cpu" ? plan.minTime : 0;
  if (quick) {
    plan.connections.connections = 20;
    plan.connections.seconds = 0.4;
    plan.clientRepeat = 10;
    plan.apiRequests = 500;
    plan.apiRounds = 3;
  }
  if (o.count("layouts")) {
    plan.layouts.clear();
    std::stringstream list(o["layouts"].as<std::string>());
    for (std::string name; std::getline(list, name, ',');) {
      const auto layout = layoutNamed(name);
      if (!layout) throw BadInput("--layouts: '" + name + "' is not airflow1.10, airflow2.5 or airflow3.1");
      if (std::find(plan.layouts.begin(), plan.layouts.end(), *layout) == plan.layouts.end())
        plan.layouts.push_back(*layout);
    }
    for (SchemaLayout base : {SchemaLayout::Airflow110, SchemaLayout::Airflow2})
      if (std::find(plan.layouts.begin(), plan.layouts.end(), base) == plan.layouts.end())
        throw BadInput(std::string("--layouts: ") + layoutName(base) +
                       " is needed (the calibration's costs for airflow1 and airflow2 come from it)");
  }
  if (o["client-only"].as<bool>()) return calibrateClientOnly(out, o["pg"].as<std::string>(), plan);

  const auto start = std::chrono::steady_clock::now();
  const std::string url = o["pg"].as<std::string>();
  // Pinned only on a throwaway server: a user's server has the cores it has.
  const LiveCpus cpus = url.empty() && plan.dbCores > 0 ? liveCpus(plan.dbCores) : LiveCpus{};
  std::unique_ptr<BenchDatabase> connected;
  try {
    connected = std::make_unique<BenchDatabase>(url, std::vector<std::string>{}, cpus.db);
  } catch (const std::exception& e) {
    if (url.empty()) throw;
    throw BadInput("--pg: " + std::string(e.what()));  // the user's server, not ours, is unreachable
  }
  BenchDatabase& db = *connected;
  if (!url.empty()) {
    // Before minutes of loading: a server that cannot say where its time goes is refused now.
    try {
      pqxx::connection c(db.connectionString());
      StatementStats check(c, db.serverName());
    } catch (const std::exception& e) {
      throw BadInput("--pg: " + std::string(e.what()));
    }
  }
  pinThisProcess(cpus);
  std::fprintf(stderr, "calibrate: %s%s\n", db.describe().c_str(),
               cpus.db.empty() ? "" : (", on CPUs " + cpus.db + " (clients on " + cpus.self + ")").c_str());
  CalibrationMeasurements m = measureCalibration(db, plan);
  std::ostringstream command;
  command << "schedlab calibrate" << (quick ? " --quick" : "") << " (" << plan.rounds << " rounds, min time "
          << plan.minTime << " s, sizes";
  for (long long s : plan.sizes) command << " " << s;
  if (plan.serverCpuSeconds <= 0) command << ", DB time from latency";
  if (!cpus.db.empty()) command << ", server on CPUs " << cpus.db;
  if (plan.layouts.size() < std::size(kSchemaLayouts)) {
    command << ", layouts";
    for (SchemaLayout l : plan.layouts) command << " " << layoutName(l);
  }
  command << ")";
  nlohmann::json provenance = {{"command", command.str()},
                               {"date", utcNow()},
                               {"machine", machine()},
                               {"server", o["pg"].as<std::string>().empty() ? "throwaway" : "user's (--pg)"}};
  CalibrationFitResult fit = fitCalibration(m, provenance);
  writeFileAtomically(out, fit.calibration.dump(2) + "\n");
  printFit(fit, m);
  if (fit.calibration.contains("client_costs")) printClientCosts(fit.calibration["client_costs"]);
  if (fit.calibration.contains("api_server")) printApiRequestCost(fit.calibration["api_server"]);
  if (fit.calibration.contains("connections")) printConnections(fit.calibration["connections"]);
  printServerProcesses(fit.calibration["queries"]);
  if (const auto& probe = fit.calibration["measured"]; probe.contains("speed_probe")) {
    const double atStart = probe["speed_probe"]["at_start_s"].get<double>();
    const double atEnd = probe["speed_probe"]["at_end_s"].get<double>();
    std::printf(
        "speed probe (the server's yardstick, `schedlab live` measures it too): %.1f us of DB CPU a statement "
        "(%.1f at the start, %.1f at the end)\n",
        probe["speed_probe"]["cpu_s"].get<double>() * 1e6, atStart * 1e6, atEnd * 1e6);
    if (const double moved = speedMoved(atStart, atEnd); moved > kSpeedMovedTooFar)
      std::fprintf(stderr,
                   "schedlab calibrate: warning: the server's speed moved %.1fx during the calibration (its "
                   "yardstick %.0f us a statement at the start, %.0f at the end): its costs mix the two speeds; "
                   "a re-run on a quieter machine gives steadier ones\n",
                   moved, atStart * 1e6, atEnd * 1e6);
    if (probe["speed_probe"].contains("bursts_spread")) {
      const double spread = probe["speed_probe"]["bursts_spread"].get<double>();
      std::printf("speed probe in bursts: %.1f us a statement all through, its 8 s parts up to %.2fx apart\n",
                  probe["speed_probe"]["bursts_s"].get<double>() * 1e6, spread);
      if (spread > kSpeedMovedTooFar)
        std::fprintf(stderr,
                     "schedlab calibrate: warning: the server's speed moved %.1fx within the calibration (its "
                     "yardstick in bursts, 8 s parts): the costs measured meanwhile mix the speeds; a re-run on a "
                     "quieter machine gives steadier ones\n",
                     spread);
    }
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("calibration: %s (Google Benchmark JSON: %s), %.0f s\n", out.c_str(), plan.benchmarkOut.c_str(), wall);
  return kOk;
}

}  // namespace schedlab::cli
