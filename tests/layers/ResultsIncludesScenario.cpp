// Control case: a results source may include the scenario layer it links; this must compile.
#include "results/RunResult.h"
#include "scenario/Scenario.h"

int layerCaseResultsControl() { return 0; }
