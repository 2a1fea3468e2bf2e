#include "model/DbMetrics.h"

#include <array>
#include <cmath>

#include "results/MetricSchema.h"

namespace schedlab {
DbMetrics::DbMetrics(std::vector<MetadataDb*> used) : used_(std::move(used)), atWarmup_(used_.size()) {
  cores_ = total([](const MetadataDb& d) { return d.cores(); });
}

DbMetrics::Totals DbMetrics::totalsOf(const MetadataDb& db) {
  return {db.busySeconds(), db.pagesTouched(), db.pagesFromDisk(), db.workByPart()};
}

void DbMetrics::markWarmup() {
  for (size_t i = 0; i < used_.size(); ++i) {
    used_[i]->startMeasuring();
    atWarmup_[i] = totalsOf(*used_[i]);
  }
}

void DbMetrics::sample(double interval, TimeSeriesRow& row) {
  const double busy = total([](const MetadataDb& d) { return d.busySeconds(); });
  row.dbUtilization = (busy - last_.busySeconds) / (interval * cores_);
  row.dbSizeBytes = total([](const MetadataDb& d) { return d.sizeBytes(); });
  row.taskInstanceRows = total([](const MetadataDb& d) { return d.rows(Table::TaskInstance); });
  const double pages = total([](const MetadataDb& d) { return d.pagesTouched(); });
  const double fromDisk = total([](const MetadataDb& d) { return d.pagesFromDisk(); });
  row.dbCacheHitRatio =
      pages > last_.pagesTouched ? 1.0 - (fromDisk - last_.pagesFromDisk) / (pages - last_.pagesTouched) : 1.0;
  last_ = {busy, pages, fromDisk, {}};  // the samples need no work by part
}

void DbMetrics::scopeMetrics(nlohmann::json& m, const std::vector<size_t>& dbs, double window, bool airflow3,
                             bool assets) const {
  long long queries = 0;
  double busy = 0, pages = 0, fromDisk = 0;
  DbWork work;
  int cores = 0;
  std::array<long long, kQueryTypeCount> count{};
  std::array<double, kQueryTypeCount> seconds{}, response{};
  for (size_t k : dbs) {
    const MetadataDb& db = *used_[k];
    queries += db.queriesTotal();
    busy += db.busySeconds() - atWarmup_[k].busySeconds;
    pages += db.pagesTouched() - atWarmup_[k].pagesTouched;
    fromDisk += db.pagesFromDisk() - atWarmup_[k].pagesFromDisk;
    const DbWork now = db.workByPart(), before = atWarmup_[k].work;
    work.statements += now.statements - before.statements;
    work.wakeUps += now.wakeUps - before.wakeUps;
    work.connectionStarts += now.connectionStarts - before.connectionStarts;
    work.connectionEnds += now.connectionEnds - before.connectionEnds;
    work.serverProcesses += now.serverProcesses - before.serverProcesses;
    work.otherClients += now.otherClients - before.otherClients;
    cores += db.cores();
    for (size_t i = 0; i < kQueryTypeCount; ++i) {
      count[i] += db.countByType()[i];
      seconds[i] += db.secondsByType()[i];
      response[i] += db.responseSecondsByType()[i];
    }
  }
  // The backends' ends come when their connections close, with their actors at the run's end: a
  // live run counts them then; so does the window their connections opened in (the time series
  // does not: none is served during the run).
  busy += work.connectionEnds;
  m[metric::kDbQueriesTotal.name()] = queries;
  m[metric::kDbCpuUtilization.name()] = roundMetric(busy / (window * cores));
  m[metric::kDbCpuSecondsByPart.name()] = {
      {"statements", roundMetric(work.statements)},
      {"wake_ups", roundMetric(work.wakeUps)},
      {"connection_starts", roundMetric(work.connectionStarts + work.connectionEnds)},
      {"server_processes", roundMetric(work.serverProcesses)}};
  if (work.otherClients > 0) m[metric::kDbCpuSecondsByPart.name()]["other_clients"] = roundMetric(work.otherClients);
  // As PostgreSQL's pg_stat_database reports it: blks_hit / (blks_hit + blks_read).
  m[metric::kDbCacheHitRatio.name()] = roundMetric(pages > 0 ? 1.0 - fromDisk / pages : 1.0);
  m[metric::kDbPagesReadFromDisk.name()] = std::round(fromDisk);
  nlohmann::json byType = nlohmann::json::object();
  for (size_t i = 0; i < kQueryTypeCount; ++i)
    if (count[i] > 0)
      byType[std::string(kQueries[i].name)] = {
          {"count", count[i]}, {"db_seconds", roundMetric(seconds[i])}, {"response_seconds", roundMetric(response[i])}};
  m[metric::kDbQueriesByType.name()] = byType;
  nlohmann::json rows = nlohmann::json::object();
  for (size_t t = 0; t < kTableNames.size(); ++t) {
    if (static_cast<Table>(t) == Table::TaskInstanceHistory && !airflow3) continue;  // a 3.x table
    if (static_cast<Table>(t) == Table::AssetEvent && !assets) continue;             // only with assets
    double end = 0, max = 0;
    for (size_t k : dbs) {
      end += used_[k]->rows(static_cast<Table>(t));
      max += used_[k]->maxRows(static_cast<Table>(t));
    }
    rows[std::string(kTableNames[t])] = {{"end", end}, {"max", max}};
  }
  double sizeEnd = 0, sizeMax = 0;
  for (size_t k : dbs) {
    sizeEnd += used_[k]->sizeBytes();
    sizeMax += used_[k]->maxSizeBytes();
  }
  m[metric::kDbRows.name()] = rows;
  m[metric::kDbSizeBytes.name()] = {{"end", std::round(sizeEnd)}, {"max", std::round(sizeMax)}};
}

void DbMetrics::contribute(const Scenario& sc, const std::vector<MetadataDb*>& instanceDb, double end,
                           RunResult& out) const {
  const double window = end - sc.run.warmup;
  std::vector<size_t> all;
  for (size_t k = 0; k < used_.size(); ++k) all.push_back(k);
  const bool airflow3 = sc.scheduler.model == SchedulerModel::Airflow3;
  const bool assets = sc.usesAssets();
  scopeMetrics(out.metrics, all, window, airflow3, assets);
  for (size_t i = 0; i < sc.instances.size(); ++i) {
    size_t h = 0;
    while (used_[h] != instanceDb[i]) ++h;
    nlohmann::json& scope = out.instance(sc.instances[i].name);
    scope[metric::kMetadb.name()] = sc.instances[i].ownMetadb ? "own" : "shared";
    scopeMetrics(scope, {h}, window, airflow3, assets);
  }
  out.metrics[metric::kDbCoreHours.name()] = roundMetric(cores_ * end / 3600.0);
  if (sc.metadb.pricePerCoreHour >= 0) out.cost.addDb(cores_ * end / 3600.0 * sc.metadb.pricePerCoreHour);
}

}  // namespace schedlab
