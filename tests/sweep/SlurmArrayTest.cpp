// The Slurm job array of `schedlab sweep --slurm`: its script, and what sbatch and squeue print.
// (The array on a real cluster: the long test SlurmSweep, tools/slurm-sweep-check.)
#include <gtest/gtest.h>

#include "sweep/SlurmArray.h"

using namespace schedlab;

TEST(SlurmArray, TheScriptRunsTaskIsShardAndLeavesItsExitCode) {
  SlurmArraySpec spec;
  spec.jobName = "schedlab-fetchr";
  spec.sweepCommand = {"/opt/schedlab", "sweep", "/data/it's.yaml", "--seeds", "2"};
  spec.dir = "/shared/out";
  spec.tasks = 4;
  spec.indices = {2, 4};
  spec.options.partition = "batch";
  spec.options.timeLimit = "30:00";
  const std::string s = sbatchScript(spec);
  EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u);
  EXPECT_NE(s.find("#SBATCH --array=2,4\n"), std::string::npos) << s;
  EXPECT_NE(s.find("#SBATCH --partition=batch\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --time=30:00\n"), std::string::npos);
  EXPECT_NE(s.find("#SBATCH --output=/shared/out/slurm/task-%a.log\n"), std::string::npos);
  // Quoted for the shell (a quote inside a path included), shard I of N, resumable, the CPUs given.
  EXPECT_NE(s.find("'/opt/schedlab' 'sweep' '/data/it'\\''s.yaml' '--seeds' '2' --shard \"$i/4\" --out "
                   "'/shared/out/shards'/\"$i\" --resume --quiet --jobs \"${SLURM_CPUS_PER_TASK:-1}\""),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("mv '/shared/out/slurm'/task-\"$i\".exit.tmp '/shared/out/slurm'/task-\"$i\".exit"),
            std::string::npos)
      << s;
  // No partition or limit: the cluster's own.
  spec.options = {};
  EXPECT_EQ(sbatchScript(spec).find("--partition"), std::string::npos);
  EXPECT_EQ(sbatchScript(spec).find("--time"), std::string::npos);
  EXPECT_EQ(shardDir("/shared/out", 3), "/shared/out/shards/3");
  EXPECT_EQ(taskMarker("/shared/out", 3), "/shared/out/slurm/task-3.exit");
}

TEST(SlurmArray, ReadsTheJobIdAndTheQueue) {
  EXPECT_EQ(parseJobId("4242\n"), 4242);
  EXPECT_EQ(parseJobId("sbatch: warning: no --time given\n4243;cluster-a\n"), 4243);
  EXPECT_THROW(parseJobId("sbatch: error: Batch job submission failed: Invalid partition name specified\n"),
               std::runtime_error);
  auto q = parseSqueue("1 RUNNING\n2 PENDING\n3-4 PENDING\nsqueue: warning\n");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].index, 1);
  EXPECT_EQ(q[0].state, "RUNNING");
  EXPECT_EQ(q[1].index, 2);
  EXPECT_EQ(q[1].state, "PENDING");
}

TEST(SlurmArray, FindsCommandsOnThePath) {
  EXPECT_NE(commandOnPath("sh"), "");
  EXPECT_EQ(commandOnPath("no-such-command-schedlab"), "");
}
