// task_instances.csv rows of one variant written to a file as its tries end, so that a long run
// holds none of them in memory (the results writer copies the file into task_instances.csv).
#pragma once

#include <string>
#include <vector>

#include "model/Executor.h"
#include "model/SimContext.h"
#include "util/RowFile.h"

namespace schedlab {

class TryStream {
 public:
  // Throws std::runtime_error when `path` cannot be created.
  TryStream(SimContext& ctx, const std::vector<WorkerHost>& hosts, std::string path);

  // Appends the try's row.
  void add(const TryRecord& r);
  // Flushes and closes the file; returns its path. Throws std::runtime_error when a write failed.
  std::string close() { return file_.close(); }

 private:
  SimContext& ctx_;
  const std::vector<WorkerHost>& hosts_;
  RowFile file_;
};

}  // namespace schedlab
