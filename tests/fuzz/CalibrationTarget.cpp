// A calibration file, as `run --calibration` and `metadb.calibration` read it: the cost model, or a
// std::runtime_error naming the file and field.
#include <stdexcept>

#include "fuzz/FuzzSupport.h"
#include "model/QueryCostModel.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = schedlab::fuzz::write("calibration.json", data, size);
  schedlab::fuzz::holds<std::runtime_error>([&] { schedlab::QueryCostModel::fromFile(path); });
  return 0;
}
