// Sideways: the importer reads a deployment, it does not run the model. Must not compile.
#include "model/WorkflowState.h"
#include "results/RunResult.h"

int layerCaseImporterModel() { return 0; }
