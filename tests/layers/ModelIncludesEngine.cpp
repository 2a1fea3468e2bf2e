// An arrow back up: the model may not include the SimGrid adapter above it. Must not compile.
#include "engine/SimGridRuntime.h"
#include "results/RunResult.h"

int layerCaseModelEngine() { return 0; }
