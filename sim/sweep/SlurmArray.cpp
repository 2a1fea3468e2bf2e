#include "sweep/SlurmArray.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "results/ResultsWriter.h"
#include "util/Processes.h"

namespace fs = std::filesystem;

namespace schedlab {
namespace {

std::string readAll(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a Slurm command, its output (stdout and stderr) into `scratch`; returns the exit code.
int slurmCommand(const std::vector<std::string>& argv, const fs::path& scratch, std::string& output) {
  std::vector<std::string> cmd = argv;
  cmd[0] = commandOnPath(argv[0]);
  if (cmd[0].empty()) throw std::runtime_error(argv[0] + ": not on the PATH");
  const int rc = runAndWait(cmd, scratch.string());
  output = readAll(scratch);
  return rc;
}

std::string joinIndices(const std::vector<int>& indices) {
  std::string s;
  for (int i : indices) {
    if (!s.empty()) s += ',';
    s += std::to_string(i);
  }
  return s;
}

}  // namespace

fs::path shardDir(const fs::path& dir, int task) { return dir / "shards" / std::to_string(task); }
fs::path taskLog(const fs::path& dir, int task) { return dir / "slurm" / ("task-" + std::to_string(task) + ".log"); }
fs::path taskMarker(const fs::path& dir, int task) {
  return dir / "slurm" / ("task-" + std::to_string(task) + ".exit");
}

std::string sbatchScript(const SlurmArraySpec& spec) {
  const fs::path dir = fs::absolute(spec.dir);
  std::string s = "#!/bin/bash\n";
  s += "# schedlab sweep --slurm: task I of this array runs shard I/" + std::to_string(spec.tasks) +
       " of the sweep, then writes its exit code to slurm/task-I.exit.\n";
  s += "#SBATCH --job-name=" + spec.jobName + "\n";
  s += "#SBATCH --array=" + joinIndices(spec.indices) + "\n";
  s += "#SBATCH --output=" + (dir / "slurm" / "task-%a.log").string() + "\n";
  if (!spec.options.partition.empty()) s += "#SBATCH --partition=" + spec.options.partition + "\n";
  if (!spec.options.timeLimit.empty()) s += "#SBATCH --time=" + spec.options.timeLimit + "\n";
  s += "i=\"$SLURM_ARRAY_TASK_ID\"\n";
  std::string cmd;
  for (const auto& a : spec.sweepCommand) {
    if (!cmd.empty()) cmd += ' ';
    cmd += shellQuote(a);
  }
  s += cmd + " --shard \"$i/" + std::to_string(spec.tasks) + "\" --out " + shellQuote((dir / "shards").string()) +
       "/\"$i\" --resume --quiet --jobs \"${SLURM_CPUS_PER_TASK:-1}\"\n";
  s += "rc=$?\n";
  const std::string marker = shellQuote((dir / "slurm").string()) + "/task-\"$i\".exit";
  s += "echo \"$rc\" > " + marker + ".tmp && mv " + marker + ".tmp " + marker + "\n";
  s += "exit \"$rc\"\n";
  return s;
}

long long parseJobId(const std::string& out) {
  // The last line that starts with digits: sbatch may warn on lines before it.
  std::istringstream in(out);
  std::string line;
  long long id = -1;
  while (std::getline(in, line)) {
    size_t n = 0;
    while (n < line.size() && std::isdigit(static_cast<unsigned char>(line[n]))) ++n;
    if (n > 0 && (n == line.size() || line[n] == ';')) id = std::stoll(line.substr(0, n));
  }
  if (id < 0) throw std::runtime_error("sbatch did not print a job id: " + out);
  return id;
}

std::vector<QueuedTask> parseSqueue(const std::string& output) {
  std::vector<QueuedTask> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string index, state;
    if (!(fields >> index >> state)) continue;
    char* end = nullptr;
    const long v = std::strtol(index.c_str(), &end, 10);
    if (end == index.c_str() || *end != '\0') continue;  // a warning, or an unexpanded range
    out.push_back({static_cast<int>(v), state});
  }
  return out;
}

std::string commandOnPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string d;
  while (std::getline(dirs, d, ':')) {
    if (d.empty()) continue;
    const fs::path candidate = fs::path(d) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate.string();
  }
  return "";
}

long long SlurmArray::submit(const SlurmArraySpec& spec) {
  fs::create_directories(spec.dir / "slurm");
  for (int i : spec.indices) {
    fs::remove(taskMarker(spec.dir, i));
    fs::create_directories(shardDir(spec.dir, i).parent_path());
  }
  const fs::path script = spec.dir / "slurm" / "array.sbatch";
  writeFileAtomically(script.string(), sbatchScript(spec));
  std::string out;
  const int rc = slurmCommand({"sbatch", "--parsable", script.string()}, spec.dir / "slurm" / "sbatch.out", out);
  if (rc != 0)
    throw std::runtime_error("sbatch " + script.string() + " failed (exit " + std::to_string(rc) + "): " + out);
  return parseJobId(out);
}

std::vector<TaskEnd> SlurmArray::follow(long long job, const SlurmArraySpec& spec, double pollSeconds,
                                        const std::function<void(int, int, int)>& progress) {
  const std::string id = std::to_string(job);
  std::map<int, TaskEnd> ended;
  std::map<int, int> unseen;  // polls a task without a marker was not in the queue
  int last[3] = {-1, -1, -1};
  for (;;) {
    std::string out;
    const int rc =
        slurmCommand({"squeue", "-h", "-r", "-j", id, "-o", "%K %T"}, spec.dir / "slurm" / "squeue.out", out);
    // An array whose every task has left slurmctld's memory is "Invalid job id": none queued.
    const bool known = rc == 0 || out.find("Invalid job id") != std::string::npos;
    std::map<int, std::string> queued;
    if (rc == 0)
      for (const QueuedTask& t : parseSqueue(out)) queued[t.index] = t.state;
    int running = 0, pending = 0;
    for (int i : spec.indices) {
      if (ended.count(i)) continue;
      std::ifstream marker(taskMarker(spec.dir, i));
      int code = 0;
      if (marker >> code) {
        ended[i] = {i, code, ""};
        continue;
      }
      auto q = queued.find(i);
      if (q != queued.end()) {
        unseen.erase(i);
        if (q->second == "RUNNING" || q->second == "COMPLETING")
          ++running;
        else
          ++pending;
        continue;
      }
      // Gone from the queue (or squeue failed) without a marker: twice in a row, it ended without
      // writing one; scontrol still knows how (MinJobAge).
      if (!known || ++unseen[i] < 2) {
        ++pending;
        continue;
      }
      std::string detail;
      slurmCommand({"scontrol", "-o", "show", "job", id + "_" + std::to_string(i)}, spec.dir / "slurm" / "scontrol.out",
                   detail);
      std::string state = "unknown";
      if (size_t at = detail.find("JobState="); at != std::string::npos)
        state = detail.substr(at + 9, detail.find(' ', at) - at - 9);
      ended[i] = {i, -1, state};
    }
    const int done = static_cast<int>(ended.size());
    if (done != last[0] || running != last[1] || pending != last[2]) {
      progress(done, running, pending);
      last[0] = done;
      last[1] = running;
      last[2] = pending;
    }
    if (done == static_cast<int>(spec.indices.size())) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(pollSeconds));
  }
  std::vector<TaskEnd> out;
  for (auto& [i, e] : ended) out.push_back(e);
  return out;
}

std::string lastLines(const fs::path& file, int lines) {
  std::ifstream in(file);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (static_cast<int>(tail.size()) > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += l + "\n";
  return out;
}

}  // namespace schedlab
