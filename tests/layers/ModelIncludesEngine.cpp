// An arrow back up: the model may not include the SimGrid adapter above it. Must not compile.
#include "results/RunResult.h"
#include "engine/SimGridRuntime.h"

int layerCaseModelEngine() { return 0; }
