// The contention model behind `calibrate`'s check: exact mean value analysis of N closed-loop
// clients on a processor-sharing DB, against closed forms.
#include <gtest/gtest.h>

#include "pg/ContentionCheck.h"

using namespace schedlab;

TEST(ContentionModel, OneClientPaysItsRoundTripAndItsServiceOnly) {
  EXPECT_DOUBLE_EQ(predictClosedLoopLatency(1, 2e-5, 5e-5, 2), 7e-5);
}

TEST(ContentionModel, NoQueueWhileEveryClientHasACore) {
  EXPECT_NEAR(predictClosedLoopLatency(4, 1e-5, 5e-5, 4), 6e-5, 1e-15);
}

TEST(ContentionModel, WithoutThinkTimeOneCoreIsSharedByAllClients) {
  EXPECT_NEAR(predictClosedLoopLatency(4, 0, 1e-4, 1), 4e-4, 1e-15);
  EXPECT_NEAR(predictClosedLoopLatency(4, 0, 1e-4, 2), 2e-4, 1e-15);
}

TEST(ContentionModel, MatchesTheMachineRepairmanModel) {
  // Two clients, think 1, service 1, one server: p0 = 0.2, throughput 0.8, response 2/0.8 - 1.
  EXPECT_NEAR(predictClosedLoopLatency(2, 1.0, 1.0, 1), 2.5, 1e-12);
}
