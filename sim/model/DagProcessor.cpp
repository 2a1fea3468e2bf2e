#include "model/DagProcessor.h"

#include "results/LatencyStats.h"
#include "results/MetricSchema.h"

namespace schedlab {

DagProcessor::DagProcessor(SimContext& ctx, InstanceId instance, int index, int count)
    : ctx_(ctx), db_(ctx.db(instance)), parsedAt_(ctx.state.dags().size(), -INFINITY) {
  int k = 0;
  for (DagId d : ctx.state.dags().ids()) {
    if (ctx.state.dag(d).instance != instance) continue;
    if (k++ % count == index) queue_.push_back(d);
  }
  files_ = queue_.size();
  waiting_ = ctx.rt.semaphore(static_cast<unsigned>(files_));
}

void DagProcessor::start() {
  if (files_ == 0) return;
  for (int p = 0; p < ctx_.scenario.scheduler.parsingProcesses; ++p)
    ctx_.rt.spawn("dag-processor", [this] { parseLoop(); });
}

void DagProcessor::parseLoop() {
  const SchedulerConfig& c = ctx_.scenario.scheduler;
  while (true) {
    // The next file (one being parsed is not in the queue), once its interval since its last
    // parse has passed.
    waiting_->acquire();
    const DagId dag = queue_.front();
    queue_.pop_front();
    const double due = parsedAt_[dag] + c.minFileProcessInterval;
    if (due > ctx_.now()) ctx_.rt.sleepUntil(due);
    parsedAt_[dag] = ctx_.now();
    const DagDef& def = ctx_.state.def(dag);
    ctx_.rt.sleepFor(def.parseCost);  // a child process imports the file
    QueryBatch write = db_.batch();
    write.add(QueryType::DagProcessorParse, 1, 1, 1, {.dag = dag});
    db_.execute(write);
    queue_.push_back(dag);
    waiting_->release();
    ++parses_;
    if (++parsedThisPass_ == files_) {
      if (ctx_.recorder.counts(passStart_)) passes_.push_back(ctx_.now() - passStart_);
      parsedThisPass_ = 0;
      passStart_ = ctx_.now();
    }
  }
}

void DagProcessor::contribute(const std::vector<const DagProcessor*>& processors, RunResult& out) {
  std::vector<double> passes;
  long long parses = 0;
  for (const DagProcessor* p : processors) {
    p->passes_.appendTo(passes);
    parses += p->parses_;
  }
  out.metrics[metric::kDagProcessingTotalParseTime.name()] = toJson(summarize(std::move(passes)));
  out.metrics[metric::kDagFileParses.name()] = parses;
}

}  // namespace schedlab
