// Control case: the importer may include the pg layer it links (its connection helpers) and the
// results below it; this must compile.
#include "pg/ConnectionString.h"
#include "results/RunResult.h"

int layerCaseImporterControl() { return 0; }
