// Control case: a scenario source may include the util layer it links; this must compile.
#include "scenario/Scenario.h"
#include "util/Random.h"

int layerCaseScenarioControl() { return 0; }
