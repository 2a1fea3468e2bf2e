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
  if (f.has("other_clients")) {
    const YAML::Node list = f.raw("other_clients");
    if (!list.IsSequence())
      ctx.fail(list, "metadb.other_clients", "expected a list of {every: <duration>, cpu: <duration>}");
    for (size_t i = 0; i < list.size(); ++i) {
      Fields c(ctx, list[i], "metadb.other_clients[" + std::to_string(i) + "]");
      OtherDbClient client;
      client.every = c.duration("every", -1);
      client.cpu = c.duration("cpu", -1);
      if (client.every <= 0) ctx.fail(list[i], c.path("every"), "needs a duration above 0 (a statement every ...)");
      if (client.cpu < 0) ctx.fail(list[i], c.path("cpu"), "needs a duration (the DB CPU each statement takes)");
      if (client.cpu > client.every)
        ctx.fail(list[i], c.path("cpu"), "takes longer than `every`: the client would need more than a core");
      c.finish();
      m.otherClients.push_back(client);
    }
  }
  f.finish();
}

}  // namespace schedlab::yaml
