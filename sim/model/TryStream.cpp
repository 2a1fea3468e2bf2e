#include "model/TryStream.h"

#include "model/WorkflowMetrics.h"
#include "results/CsvTables.h"

namespace schedlab {

TryStream::TryStream(SimContext& ctx, const std::vector<WorkerHost>& hosts, std::string path)
    : ctx_(ctx), hosts_(hosts), file_(std::move(path)) {}

void TryStream::add(const TryRecord& r) {
  file_.append(taskInstanceCsvRow(ctx_.scenario.variant, taskTryRow(ctx_, hosts_, r)));
}

}  // namespace schedlab
