// An arrow back up: a scenario source may not include the model. Must not compile.
#include "scenario/Scenario.h"
#include "model/WorkflowState.h"

int layerCaseScenarioModel() { return 0; }
