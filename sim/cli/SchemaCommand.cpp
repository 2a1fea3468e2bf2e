// `schedlab schema`: the result names, their units and which direction is better, as the
// report, the gate and README read them.
#include <cstdio>

#include "cli/CommandLine.h"
#include "cli/Commands.h"
#include "results/MetricSchema.h"

namespace po = boost::program_options;

namespace schedlab::cli {

int cmdSchema(const Args& args) {
  po::options_description visible("schedlab schema [--json | --markdown]");
  visible.add_options()("help,h", "show this help")("json", "the schema as JSON (default)")(
      "markdown", "the schema as README's results table");
  auto parsed = parseCommand("schema", args, visible, "", 0, 0);
  if (!parsed) return kOk;
  if (parsed->options.count("json") && parsed->options.count("markdown"))
    throw BadInput("give either --json or --markdown");
  if (parsed->options.count("markdown"))
    std::fputs(schemaMarkdown().c_str(), stdout);
  else
    std::printf("%s\n", schemaJson().dump(2).c_str());
  return kOk;
}

}  // namespace schedlab::cli
