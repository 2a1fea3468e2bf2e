// An arrow back up: a scenario source may not include the model. Must not compile. (model/Runtime.h
// includes nothing of the project's, so only its own absence can fail this.)
#include "model/Runtime.h"
#include "scenario/Scenario.h"

int layerCaseScenarioModel() { return 0; }
