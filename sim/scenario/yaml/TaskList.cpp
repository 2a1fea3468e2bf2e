#include "scenario/yaml/TaskList.h"

#include <algorithm>
#include <map>

namespace schedlab::yaml {

// Task fields shared by explicit tasks, shape groups and DAG-level task_defaults.
void readTaskFields(Fields& f, TaskDef& t, SchedulerModel model) {
  if (f.has("kind"))
    t.kind = f.choice<OperatorKind>("kind", t.kind,
                                    {{"task", OperatorKind::Task},
                                     {"sensor", OperatorKind::Sensor},
                                     {"trigger_dagrun", OperatorKind::TriggerDagRun}});
  if (f.has("duration")) t.duration = readDistribution(f.ctx(), f.raw("duration"), f.path("duration"));
  t.retries = f.integer("retries", t.retries, 0, 1000);
  t.retryDelay = f.duration("retry_delay", t.retryDelay);
  t.sla = f.duration("sla", t.sla);
  t.failureProbability = f.number("failure_probability", t.failureProbability, 0, 1);
  t.pool = f.text("pool", t.pool);
  t.queue = f.text("queue", t.queue);
  t.cpu = f.number("cpu", t.cpu, 0, 1);
  t.priorityWeight = f.integer("priority_weight", t.priorityWeight, -1000000, 1000000);
  t.waitsFor = f.text("waits_for", t.waitsFor);
  t.pokeInterval = f.duration("poke_interval", t.pokeInterval, 1e-3);
  t.sensorTimeout = f.duration("timeout", t.sensorTimeout, 1e-3);
  t.triggerDag = f.text("trigger_dag", t.triggerDag);
  auto noDeferral = [&](const char* key, const std::string& what) {
    if (model == SchedulerModel::Airflow1)
      f.ctx().fail(f.raw(key), f.path(key),
                   what + " needs the triggerer, which Airflow 2.2 brought (the scheduler model is airflow1)");
  };
  if (f.has("mode")) {
    t.sensorMode = f.choice<SensorMode>(
        "mode", t.sensorMode,
        {{"poke", SensorMode::Poke}, {"reschedule", SensorMode::Reschedule}, {"deferrable", SensorMode::Deferrable}});
    if (t.sensorMode == SensorMode::Deferrable) noDeferral("mode", "mode: deferrable");
  }
  if (f.has("outlets")) {
    if (model == SchedulerModel::Airflow1)
      f.ctx().fail(f.raw("outlets"), f.path("outlets"),
                   "assets (datasets) came with Airflow 2.4 (the scheduler model is airflow1)");
    t.outlets = readNames(f.ctx(), f.raw("outlets"), f.path("outlets"), "asset name");
    failOnDuplicateName(f.ctx(), f.raw("outlets"), f.path("outlets"), "asset");
  }
  if (f.has("defer")) {
    noDeferral("defer", "defer:");
    Fields d(f.ctx(), f.raw("defer"), f.path("defer"));
    if (!d.has("for")) f.ctx().fail(f.raw("defer"), d.path("for"), "missing: how long the trigger waits (e.g. 20m)");
    t.defers = true;
    t.deferAfter = d.duration("after", 0);
    t.deferFor = readDistribution(f.ctx(), d.raw("for"), d.path("for"));
    d.finish();
  }
  t.variableReads = f.integer("variable_reads", t.variableReads, 0, 1000);
  t.connectionReads = f.integer("connection_reads", t.connectionReads, 0, 1000);
  t.executor = f.text("executor", t.executor);
  if (f.has("resources")) {
    // A pod's requests (the kubernetes executor): cores and a size.
    Fields r(f.ctx(), f.raw("resources"), f.path("resources"));
    t.cpuRequest = r.number("cpu", t.cpuRequest, 0.001, 100000);
    t.memoryRequest = r.bytes("memory", t.memoryRequest);
    if (t.memoryRequest <= 0) f.ctx().fail(r.raw("memory"), r.path("memory"), "expected a size above zero, e.g. 2GiB");
    r.finish();
  }
}

namespace {

struct PendingDeps {
  int task;
  std::vector<std::string> names;
  YAML::Node node;
  std::string path;
};

// A DAG's `tasks:` list, entry by entry: a shape expands to a group of tasks; an entry without
// `deps` follows the previous entry's leaves; explicit deps are resolved once every id is known.
class TaskListReader {
 public:
  TaskListReader(const Context& ctx, const TaskDef& defaults, SchedulerModel model, DagDef& dag)
      : ctx_(ctx), defaults_(defaults), model_(model), dag_(dag) {}

  void entry(const YAML::Node& node, const std::string& p) {
    Fields f(ctx_, node, p);
    if (f.has("shape")) {
      shapeEntry(f, node, p);
    } else {
      taskEntry(f, node, p);
    }
  }

  void resolveDeps() {
    for (auto& pending : explicitDeps_) {
      for (auto& name : pending.names) {
        auto it = std::find_if(dag_.tasks.begin(), dag_.tasks.end(), [&](auto& t) { return t.id == name; });
        if (it == dag_.tasks.end()) ctx_.fail(pending.node, pending.path, "unknown task '" + name + "'");
        dag_.tasks[pending.task].upstream.push_back(static_cast<int>(it - dag_.tasks.begin()));
      }
    }
  }

  std::map<std::string, YAML::Node> idNodes;  // each task's entry, for errors

 private:
  enum class Shape { Chain, FanOutIn, Layered, NoStructure, Linear, BinaryTree, Star, Grid };

  int addTask(TaskDef t, const YAML::Node& node, const std::string& p) {
    if (idNodes.count(t.id)) ctx_.fail(node, p, "duplicate task id '" + t.id + "'");
    idNodes[t.id] = node;
    dag_.tasks.push_back(std::move(t));
    return static_cast<int>(dag_.tasks.size()) - 1;
  }

  // A group of tasks of one shape. chain, fan_out_in and layered run top to bottom; the others are
  // the shapes of Airflow's performance DAG generator (elastic_dag.py in 2.x), each over `count`
  // tasks with the edges its code sets: linear t1 -> t2 -> ...; binary_tree, star and grid
  // converge on the first task (task i runs before task (i - 1) // 2; every task before the first;
  // in a grid each task runs before its left and upper neighbours), though the generator's
  // docstrings draw them fanning out from it; no_structure has no edges within the group.
  void shapeEntry(Fields& f, const YAML::Node& node, const std::string& p) {
    Shape shape = f.choice<Shape>("shape", Shape::Chain,
                                  {{"chain", Shape::Chain},
                                   {"fan_out_in", Shape::FanOutIn},
                                   {"layered", Shape::Layered},
                                   {"no_structure", Shape::NoStructure},
                                   {"linear", Shape::Linear},
                                   {"binary_tree", Shape::BinaryTree},
                                   {"star", Shape::Star},
                                   {"grid", Shape::Grid}});
    TaskDef proto = defaults_;
    readTaskFields(f, proto, model_);
    std::string prefix = f.text("prefix", "task");
    if (!isAirflowKey(prefix))
      ctx_.fail(f.raw("prefix"), p + ".prefix",
                "'" + prefix + "' cannot begin a task_id: letters, digits, '_', '.' and '-' (as Airflow's)");
    if (shape == Shape::Chain || shape == Shape::FanOutIn || shape == Shape::Layered) {
      layeredShape(f, shape, proto, prefix, node, p);
      return;
    }
    // The generator refuses grids of more than 100 * 99 / 2 tasks.
    const int count = f.integer("count", 1, 1, shape == Shape::Grid ? 4950 : 100000);
    f.finish();
    std::vector<std::vector<int>> upstream(count);  // within the group, by position
    if (shape == Shape::Linear) {
      for (int i = 1; i < count; ++i) upstream[i] = {i - 1};
    } else if (shape == Shape::BinaryTree) {
      for (int i = 1; i < count; ++i) upstream[(i - 1) / 2].push_back(i);
    } else if (shape == Shape::Star) {
      for (int i = 1; i < count; ++i) upstream[0].push_back(i);
    } else if (shape == Shape::Grid) {
      // Row i of the triangular grid holds size - i tasks; (i, j) is task size*i - i(i-1)/2 + j.
      int size = 0;
      while (size * (size + 1) / 2 < count) ++size;
      auto index = [size](int i, int j) { return size * i - i * (i - 1) / 2 + j; };
      for (int i = 0; i + 1 < size; ++i)
        for (int j = 0; j < size - i - 1; ++j) {
          if (index(i + 1, j) < count) upstream[index(i, j)].push_back(index(i + 1, j));
          if (index(i, j + 1) < count) upstream[index(i, j)].push_back(index(i, j + 1));
        }
    }
    // The group's entry tasks follow the previous entry's leaves; its leaves are the tasks no
    // task of the group waits for.
    std::vector<bool> waitedFor(count, false);
    for (const auto& up : upstream)
      for (int u : up) waitedFor[u] = true;
    const int first = static_cast<int>(dag_.tasks.size());
    std::vector<int> leaves;
    for (int i = 0; i < count; ++i) {
      TaskDef t = proto;
      t.id = prefix + "__" + std::to_string(i + 1) + "_of_" + std::to_string(count);  // as tasks__1_of_10
      if (upstream[i].empty()) {
        t.upstream = previousLeaves_;
      } else {
        for (int u : upstream[i]) t.upstream.push_back(first + u);
      }
      const int idx = addTask(t, node, p);
      if (!waitedFor[i]) leaves.push_back(idx);
    }
    previousLeaves_ = leaves;
  }

  // chain (`count` in a line), fan_out_in (a head, `width` in parallel, a tail) and
  // layered (`depth` layers of `width`, each after the whole previous one).
  void layeredShape(Fields& f, Shape shape, const TaskDef& proto, const std::string& prefix, const YAML::Node& node,
                    const std::string& p) {
    std::vector<std::vector<int>> layers;
    int width = 1, depth = 1;
    if (shape == Shape::Chain) {
      depth = f.integer("count", 1, 1, 100000);
    } else if (shape == Shape::FanOutIn) {
      width = f.integer("width", 1, 1, 100000);
      depth = 3;  // head, width parallel tasks, tail
    } else {
      width = f.integer("width", 1, 1, 10000);
      depth = f.integer("depth", 1, 1, 10000);
    }
    f.finish();
    int n = 0;
    for (int layer = 0; layer < depth; ++layer) {
      int w = (shape == Shape::FanOutIn && layer != 1) ? 1 : width;
      std::vector<int> ids;
      for (int k = 0; k < w; ++k) {
        TaskDef t = proto;
        char buf[32];
        std::snprintf(buf, sizeof buf, "_%02d", ++n);
        t.id = prefix + buf;
        t.upstream = layers.empty() ? previousLeaves_ : layers.back();
        ids.push_back(addTask(t, node, p));
      }
      layers.push_back(ids);
    }
    previousLeaves_ = layers.back();
  }

  void taskEntry(Fields& f, const YAML::Node& node, const std::string& p) {
    if (!f.has("id")) ctx_.fail(node, p, "a task needs an id (or a shape for a group of tasks)");
    TaskDef t = defaults_;
    t.id = f.text("id", "");
    if (!isAirflowKey(t.id))
      ctx_.fail(f.raw("id"), p + ".id",
                "'" + t.id + "' is not a task_id: letters, digits, '_', '.' and '-', at most 250 (as Airflow's)");
    readTaskFields(f, t, model_);
    bool hasDeps = f.has("deps");
    std::vector<std::string> deps;
    if (hasDeps) {
      YAML::Node d = f.raw("deps");
      if (!d.IsSequence()) ctx_.fail(d, f.path("deps"), "expected a list of task ids");
      for (const auto& x : d) deps.push_back(x.as<std::string>());
    }
    f.finish();
    t.upstream = hasDeps ? std::vector<int>{} : previousLeaves_;
    int idx = addTask(t, node, p);
    if (hasDeps) explicitDeps_.push_back({idx, deps, node["deps"], p + ".deps"});
    previousLeaves_ = {idx};
  }

  const Context& ctx_;
  const TaskDef& defaults_;
  SchedulerModel model_;
  DagDef& dag_;
  std::vector<int> previousLeaves_;
  std::vector<PendingDeps> explicitDeps_;
};

// Orders a DAG's tasks topologically (Kahn); what is left over sits on a cycle.
void sortTasks(const Context& ctx, const std::string& path, std::map<std::string, YAML::Node>& idNodes, DagDef& dag) {
  size_t n = dag.tasks.size();
  std::vector<int> indegree(n, 0), order;
  std::vector<std::vector<int>> downstream(n);
  for (size_t t = 0; t < n; ++t)
    for (int u : dag.tasks[t].upstream) {
      if (u == static_cast<int>(t))
        ctx.fail(idNodes[dag.tasks[t].id], path, "task '" + dag.tasks[t].id + "' depends on itself");
      downstream[u].push_back(static_cast<int>(t));
      ++indegree[t];
    }
  for (size_t t = 0; t < n; ++t)
    if (indegree[t] == 0) order.push_back(static_cast<int>(t));
  for (size_t k = 0; k < order.size(); ++k)
    for (int d : downstream[order[k]])
      if (--indegree[d] == 0) order.push_back(d);
  if (order.size() != n) {
    for (size_t t = 0; t < n; ++t)
      if (indegree[t] > 0)
        ctx.fail(idNodes[dag.tasks[t].id], path + ".deps", "a cycle in deps through task '" + dag.tasks[t].id + "'");
  }
  std::vector<int> position(n);
  for (size_t k = 0; k < n; ++k) position[order[k]] = static_cast<int>(k);
  std::vector<TaskDef> sorted(n);
  for (size_t t = 0; t < n; ++t) {
    TaskDef task = dag.tasks[t];
    for (int& u : task.upstream) u = position[u];
    std::sort(task.upstream.begin(), task.upstream.end());
    task.upstream.erase(std::unique(task.upstream.begin(), task.upstream.end()), task.upstream.end());
    sorted[position[t]] = std::move(task);
  }
  dag.tasks = std::move(sorted);
}

}  // namespace

void readTasks(const Context& ctx, const YAML::Node& list, const std::string& path, const TaskDef& defaults,
               SchedulerModel model, DagDef& dag) {
  if (!list.IsSequence() || list.size() == 0)
    ctx.fail(list, path, "expected a non-empty list of tasks ({id: ...}) or shapes ({shape: ...})");
  TaskListReader reader(ctx, defaults, model, dag);
  for (size_t i = 0; i < list.size(); ++i) reader.entry(list[i], path + "[" + std::to_string(i) + "]");
  reader.resolveDeps();
  sortTasks(ctx, path, reader.idNodes, dag);
}

}  // namespace schedlab::yaml
