// Control case: a model source may include the results layer it links; this must compile, so
// that the cases beside it fail for the include alone.
#include "results/RunResult.h"

int layerCaseControl() { return 0; }
