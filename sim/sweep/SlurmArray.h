// A sweep on a Slurm cluster: one job array whose task I runs shard I of N of the sweep
// (`schedlab sweep ... --shard I/N --resume`) into a directory of its own and leaves a marker file
// with its exit code. The array is followed through squeue and the markers, and a task that left
// the queue without one through scontrol, never sacct: a cluster without an accounting daemon (one
// node, a laptop) has none.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace schedlab {

struct SlurmOptions {
  std::string partition;  // sbatch --partition; empty: the cluster's default
  std::string timeLimit;  // sbatch --time (Slurm's format, e.g. 30:00); empty: the partition's
  int arraySize = 0;      // tasks in the array; 0: one per point, at most 64
  bool wait = true;       // follow the array and merge; false: print the job id and return
};

struct SlurmArraySpec {
  std::string jobName;
  // The shard's command without --shard, --out, --jobs: `schedlab sweep SCENARIO ...`.
  std::vector<std::string> sweepCommand;
  std::filesystem::path dir;  // the sweep's --out: slurm/ and shards/I/ go in it
  int tasks = 1;              // N
  std::vector<int> indices;   // the tasks submitted (1..N; a re-run submits the unfinished ones)
  SlurmOptions options;
};

// Where task I's shard goes, its log, and its marker (its exit code, written as it ends).
std::filesystem::path shardDir(const std::filesystem::path& dir, int task);
std::filesystem::path taskLog(const std::filesystem::path& dir, int task);
std::filesystem::path taskMarker(const std::filesystem::path& dir, int task);

// The sbatch script of the array: each task runs its shard with --jobs from the CPUs Slurm gives
// it, then writes its marker. Arguments are single-quoted for the shell.
std::string sbatchScript(const SlurmArraySpec& spec);

// `sbatch --parsable`'s output ("1234" or "1234;cluster") as the job id. Throws
// std::runtime_error quoting it when it is not one.
long long parseJobId(const std::string& sbatchOutput);

// `squeue -h -r -o "%K %T"` lines: the array task index and its state (PENDING, RUNNING, ...).
struct QueuedTask {
  int index = 0;
  std::string state;
};
std::vector<QueuedTask> parseSqueue(const std::string& output);

// The path of a command on the PATH; empty when it is not there.
std::string commandOnPath(const std::string& name);

struct TaskEnd {
  int index = 0;
  int exitCode = 0;   // from its marker; -1: it left the queue without writing one
  std::string state;  // scontrol's JobState for a task without a marker (TIMEOUT, CANCELLED, ...)
};

// Submits and follows one job array through the Slurm commands on the PATH.
class SlurmArray {
 public:
  // REQUIRES: sbatch, squeue and scontrol on the PATH. Writes DIR/slurm/array.sbatch, submits it,
  // returns the job id.
  long long submit(const SlurmArraySpec& spec);
  // Polls every `pollSeconds` until every submitted task has written its marker or left the
  // queue; `progress(done, running, pending)` after each poll that changed something.
  std::vector<TaskEnd> follow(long long job, const SlurmArraySpec& spec, double pollSeconds,
                              const std::function<void(int, int, int)>& progress);
};

// The last `lines` lines of a file ("" when it cannot be read).
std::string lastLines(const std::filesystem::path& file, int lines);

}  // namespace schedlab
