// An arrow back up: the results may not include the engine that produces them. Must not compile.
#include "engine/Simulation.h"
#include "results/RunResult.h"

int layerCaseResultsEngine() { return 0; }
