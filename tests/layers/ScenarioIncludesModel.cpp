// An arrow back up: a scenario source may not include the model. Must not compile.
#include "model/WorkflowState.h"
#include "scenario/Scenario.h"

int layerCaseScenarioModel() { return 0; }
