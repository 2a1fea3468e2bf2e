#include "model/Archiver.h"

#include "model/Assets.h"
#include "results/MetricSchema.h"

namespace schedlab {

Archiver::Archiver(SimContext& ctx, std::vector<MetadataDb*> dbs) : ctx_(ctx), dbs_(std::move(dbs)) {
  for (auto& name : ctx.scenario.archiving.tables)
    for (size_t t = 0; t < kTableNames.size(); ++t)
      if (kTableNames[t] == name) tables_[t] = true;
}

void Archiver::start() {
  if (!ctx_.scenario.archiving.enabled) return;
  ctx_.rt.spawn("archiver", [this] { loop(); });
}

void Archiver::loop() {
  const ArchivingConfig& cfg = ctx_.scenario.archiving;
  for (bool first = true;; first = false) {
    ctx_.rt.sleepFor(cfg.interval);
    for (MetadataDb* db : dbs_) cleanOnce(*db, first);
    runs_++;
  }
}

void Archiver::cleanOnce(MetadataDb& db, bool first) {
  const ArchivingConfig& cfg = ctx_.scenario.archiving;
  const auto& tables = tables_;
  const double now = ctx_.now();
  const double cutoff = ctx_.scenario.run.start + now - cfg.retention;
  auto deleted = ctx_.state.archive(&db, cutoff, cfg.byStartDate, cfg.keepLastRun, tables, now);
  // airflow db clean ages asset events by their timestamp.
  const size_t assetEvent = static_cast<size_t>(Table::AssetEvent);
  if (tables[assetEvent] && ctx_.assets)
    deleted[assetEvent] += static_cast<double>(
        ctx_.assets->archive(now - cfg.retention, [&](InstanceId i) { return &ctx_.db(i) == &db; }));
  if (first) {
    // The history a DB starts with (metadb.initial_rows) predates the simulation: it is older
    // than any retention, so the first cleanup removes it.
    for (size_t t = 0; t < tables.size(); ++t) {
      if (!tables[t]) continue;
      deleted[t] += db.initialRows(static_cast<Table>(t));
    }
  }
  // One DELETE per table, costed per row it removes.
  QueryBatch b = db.batch();
  for (size_t t = 0; t < tables.size(); ++t)
    if (deleted[t] > 0) b.add(QueryType::ArchiveDelete, deleted[t], 0);
  db.execute(b);
  for (size_t t = 0; t < tables.size(); ++t) {
    if (deleted[t] <= 0) continue;
    db.removeRows(static_cast<Table>(t), deleted[t]);
    rowsDeleted_ += deleted[t];
  }
}

void Archiver::contribute(RunResult& out) const {
  if (!ctx_.scenario.archiving.enabled) return;
  out.metrics[metric::kArchivingRuns.name()] = runs_;
  out.metrics[metric::kArchivingRowsDeleted.name()] = rowsDeleted_;
}

}  // namespace schedlab
