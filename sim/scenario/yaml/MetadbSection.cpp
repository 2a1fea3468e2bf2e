#include "scenario/yaml/Sections.h"

#include <filesystem>
#include <fstream>

namespace schedlab::yaml {

void readMetadbSection(const Context& ctx, Fields& top, Scenario& s) {
  Fields f(ctx, top.raw("metadb"), "metadb");
  auto& m = s.metadb;
  m.cores = f.integer("cores", m.cores, 1, 1024);
  m.poolSize = f.integer("pool_size", m.poolSize, 0, 100000);
  m.networkRtt = f.duration("network_rtt", m.networkRtt);
  m.coreSpeed = f.number("core_speed", m.coreSpeed, 0.01, 100);
  m.cacheBytes = f.bytes("cache", m.cacheBytes);
  m.pageReadLatency = f.duration("page_read_latency", m.pageReadLatency);
  m.pricePerCoreHour = f.number("price_per_core_hour", m.pricePerCoreHour, 0);
  m.calibration = f.text("calibration", "");
  if (!m.calibration.empty() && std::filesystem::path(m.calibration).is_relative())
    m.calibration = (std::filesystem::path(ctx.file).parent_path() / m.calibration).string();
  // Its content is checked where the cost model reads it; a file that is not there is named here,
  // at the line that refers to it.
  if (!m.calibration.empty() && (std::filesystem::is_directory(m.calibration) || !std::ifstream(m.calibration)))
    ctx.fail(f.raw("calibration"), "metadb.calibration", "cannot read the calibration file " + m.calibration);
  if (f.has("initial_rows")) m.initialRows = readInitialRows(ctx, f.raw("initial_rows"), "metadb.initial_rows");
  f.finish();
}

}  // namespace schedlab::yaml
