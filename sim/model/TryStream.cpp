#include "model/TryStream.h"

#include <stdexcept>

#include "model/WorkflowMetrics.h"
#include "results/CsvTables.h"

namespace schedlab {

TryStream::TryStream(SimContext& ctx, const std::vector<WorkerHost>& hosts, std::string path)
    : ctx_(ctx), hosts_(hosts), path_(std::move(path)), file_(std::fopen(path_.c_str(), "wb")) {
  if (!file_) throw std::runtime_error("cannot write " + path_);
}

TryStream::~TryStream() {
  if (file_) std::fclose(file_);
}

void TryStream::add(const TryRecord& r) {
  const std::string row = taskInstanceCsvRow(ctx_.scenario.variant, taskTryRow(ctx_, hosts_, r));
  std::fwrite(row.data(), 1, row.size(), file_);
}

std::string TryStream::close() {
  const bool ok = std::ferror(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) throw std::runtime_error("cannot write " + path_);
  return path_;
}

}  // namespace schedlab
