#include "model/LoopTrace.h"

#include <bit>
#include <cstdio>

#include "model/SchedulerNumbering.h"
#include "util/CsvField.h"

namespace schedlab {

void LoopRecord::add(const QueryBatch& batch) {
  statements += batch.queries();
  dbSeconds += batch.seconds() + batch.diskSeconds();
  batch.forEachTypeUsed([&](size_t i) { byType[i] += batch.counts()[i]; });
}

std::vector<std::string> loopTypeColumns() {
  std::vector<std::string> columns;
  for (const QueryInfo& q : kQueries)
    if (q.loopColumn()) columns.push_back("statements." + std::string(q.name));
  return columns;
}

LoopStream::LoopStream(const Scenario& scenario, std::string path) : scenario_(scenario), file_(std::move(path)) {}

void LoopStream::add(const LoopRecord& r) {
  std::string row;
  appendCsvField(row, scenario_.variant);
  row.push_back(',');
  appendCsvField(row, SchedulerNumbering(scenario_).name(r.scheduler));
  char buf[160];
  std::snprintf(buf, sizeof buf, ",%.6f,%.6f,%lld,%.6f,%d,%d,%d", r.start, r.duration, r.statements, r.dbSeconds,
                r.runsExamined, r.tisScheduled, r.tisQueued);
  row.append(buf);
  for (size_t i = 0; i < r.byType.size(); ++i)
    if (kQueries[i].loopColumn()) row.append(",").append(std::to_string(r.byType[i]));
  row.push_back('\n');
  file_.append(row);
}

}  // namespace schedlab
