#include "model/Autoscaler.h"

#include <cmath>

namespace schedlab {
namespace {

class Fixed final : public Autoscaler {
 public:
  int desired(const PoolLoad& load) const override { return load.current; }
};

class CpuTarget final : public Autoscaler {
 public:
  explicit CpuTarget(double target) : target_(target) {}
  int desired(const PoolLoad& load) const override {
    return static_cast<int>(std::ceil(load.current * load.cpu / target_ - 1e-9));
  }

 private:
  double target_;
};

class QueueDepth final : public Autoscaler {
 public:
  explicit QueueDepth(int step) : step_(step) {}
  int desired(const PoolLoad& load) const override {
    if (load.visible > 0) return load.current + step_;
    if (load.inFlight == 0) return 0;
    return load.current;
  }

 private:
  int step_;
};

class Keda final : public Autoscaler {
 public:
  int desired(const PoolLoad& load) const override {
    return (load.visible + load.inFlight + load.concurrency - 1) / load.concurrency;
  }
};

}  // namespace

std::unique_ptr<Autoscaler> Autoscaler::make(const AutoscalerConfig& c) {
  switch (c.policy) {
    case AutoscalerConfig::Policy::Fixed:
      return std::make_unique<Fixed>();
    case AutoscalerConfig::Policy::CpuTarget:
      return std::make_unique<CpuTarget>(c.cpuTarget);
    case AutoscalerConfig::Policy::QueueDepth:
      return std::make_unique<QueueDepth>(c.step);
    case AutoscalerConfig::Policy::Keda:
      return std::make_unique<Keda>();
  }
  return std::make_unique<Fixed>();
}

}  // namespace schedlab
