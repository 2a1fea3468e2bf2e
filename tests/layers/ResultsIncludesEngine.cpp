// An arrow back up: the results may not include the engine that produces them. Must not compile.
#include "results/RunResult.h"
#include "engine/Simulation.h"

int layerCaseResultsEngine() { return 0; }
