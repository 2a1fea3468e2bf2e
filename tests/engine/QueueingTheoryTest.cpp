// Validates the simulation engine against queueing theory: Poisson queries with exponential
// service on the metadata DB must reproduce M/M/1 and M/M/c, behind a connection pool of `cores`
// connections and without one (the cores serve one query each at a time, first come, first served).
#include <gtest/gtest.h>

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <cmath>

#include "engine/SimGridQueryService.h"
#include "model/MetadataDb.h"
#include "support/OneHostEngine.h"
#include "support/TestSupport.h"
#include "util/Random.h"

namespace sg4 = simgrid::s4u;
using namespace schedlab;

namespace {

struct QueueRun {
  double meanWait = 0, meanSystem = 0, p99System = 0;
  double timeAverageInSystem = 0, arrivalRate = 0;
};

// Simulates n Poisson arrivals (rate lambda) of queries with exponential service (rate mu).
QueueRun simulateQueue(int cores, int poolSize, double lambda, double mu, int n) {
  std::string payload = runIsolated([=] {
    // An actor per query: hundreds of thousands of them. SimGrid's default 8 MiB stacks behind a
    // guard page cost an mmap, an mprotect and a munmap each (two thirds of this test's time went
    // to the kernel); these bodies are a few frames deep, so small unguarded stacks are safe here.
    auto* client = test::startOneHostEngine("queueing", "clients",
                                            {"--cfg=contexts/guard-size:0", "--cfg=contexts/stack-size:128"});
    MetadbConfig cfg;
    cfg.cores = cores;
    cfg.poolSize = poolSize;
    cfg.networkRtt = 0;
    // One "row" costs a microsecond, so a query of k rows is a service time of k microseconds.
    auto model = QueryCostModel::fromJson(
        nlohmann::json::parse(R"({"queries": {"default": {"per_row_scanned_s": 1e-6}}})"), "test");
    auto& db = *new MetadataDb(cfg, model, cfg.initialRows, std::make_unique<SimGridQueryService>(cfg));
    auto* system = new std::vector<double>();
    auto* waits = new std::vector<double>();
    double area = 0, lastChange = 0;
    int inSystem = 0;
    auto change = [&](int delta) {
      double now = sg4::Engine::get_clock();
      area += inSystem * (now - lastChange);
      lastChange = now;
      inSystem += delta;
    };
    sg4::Actor::create("arrivals", client, [&, n, lambda, mu] {
      Rng arrivals(42, "arrivals"), service(42, "service");
      for (int i = 0; i < n; ++i) {
        sg4::this_actor::sleep_for(arrivals.exponential(1.0 / lambda));
        double s = service.exponential(1.0 / mu);
        sg4::Actor::create("query", client, [&, s, i, n] {
          double t0 = sg4::Engine::get_clock();
          change(+1);
          QueryBatch b = db.batch();
          b.add(QueryType::TriggerRuleDep, s * 1e6, 0);
          db.execute(b);
          double t = sg4::Engine::get_clock() - t0;
          change(-1);
          if (i >= n / 20) {  // the first 5 % warm the queue up
            system->push_back(t);
            waits->push_back(t - s);
          }
        });
      }
    });
    sg4::Engine::get_instance()->run();
    change(0);
    std::vector<double> sorted = *system;
    std::sort(sorted.begin(), sorted.end());
    double sumT = 0, sumW = 0;
    for (double t : *system) sumT += t;
    for (double w : *waits) sumW += w;
    // Little's law over the whole run: L (time average) = lambda_hat * W (all customers).
    return nlohmann::json{{"wait", sumW / waits->size()},
                          {"system", sumT / system->size()},
                          {"p99", sorted[static_cast<size_t>(0.99 * (sorted.size() - 1))]},
                          {"L", area / lastChange},
                          {"lambda", n / lastChange}}
        .dump();
  });
  auto j = nlohmann::json::parse(payload);
  return {j["wait"], j["system"], j["p99"], j["L"], j["lambda"]};
}

double erlangC(int c, double lambda, double mu) {
  double a = lambda / mu, rho = a / c;
  double sum = 0, term = 1;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  double last = term * a / c;  // a^c / c!
  double top = last / (1 - rho);
  return top / (sum + top);
}

// P(T > t) for M/M/c FCFS, T = waiting + service.
double tailSystem(int c, double lambda, double mu, double t) {
  double C = erlangC(c, lambda, mu);
  double d = (c - 1) * mu - lambda;
  if (std::fabs(d) < 1e-12) return std::exp(-mu * t) * (1 + C * mu * t);
  return std::exp(-mu * t) + C * mu / d * (std::exp(-mu * t) - std::exp(-(c * mu - lambda) * t));
}

double p99System(int c, double lambda, double mu) {
  double lo = 0, hi = 1000 / mu;
  for (int i = 0; i < 200; ++i) {
    double mid = (lo + hi) / 2;
    (tailSystem(c, lambda, mu, mid) > 0.01 ? lo : hi) = mid;
  }
  return lo;
}

void expectLittle(const QueueRun& r, double meanSystemAll) {
  EXPECT_NEAR(r.timeAverageInSystem, r.arrivalRate * meanSystemAll, 0.03 * r.timeAverageInSystem);
}

}  // namespace

TEST(QueueingTheory, MM1BehindOneConnection) {
  const double lambda = 700, mu = 1000;  // rho = 0.7, one 1 ms query at a time
  QueueRun r = simulateQueue(1, 1, lambda, mu, 300000);
  double wq = erlangC(1, lambda, mu) / (mu - lambda);
  EXPECT_NEAR(r.meanWait, wq, 0.03 * wq);
  double p99 = p99System(1, lambda, mu);
  EXPECT_NEAR(p99, std::log(100.0) / (mu - lambda), 1e-9);  // closed form for M/M/1
  EXPECT_NEAR(r.p99System, p99, 0.05 * p99);
  expectLittle(r, r.meanSystem);
}

TEST(QueueingTheory, MMcBehindAPoolOfCoresConnections) {
  const int c = 3;
  const double lambda = 2100, mu = 1000;  // rho = 0.7
  QueueRun r = simulateQueue(c, c, lambda, mu, 800000);
  double wq = erlangC(c, lambda, mu) / (c * mu - lambda);
  EXPECT_NEAR(r.meanWait, wq, 0.03 * wq);
  double p99 = p99System(c, lambda, mu);
  EXPECT_NEAR(r.p99System, p99, 0.05 * p99);
  expectLittle(r, r.meanSystem);
}

TEST(QueueingTheory, MMcOnTheCoresWithoutAPool) {
  // Without a pool every query goes to the cores at once; a core serves one at a time, the
  // others wait their turn: M/M/c first come, first served, as behind a pool of `cores`.
  const int c = 2;
  const double lambda = 1500, mu = 1000;  // rho = 0.75
  QueueRun r = simulateQueue(c, 0, lambda, mu, 300000);
  double wq = erlangC(c, lambda, mu) / (c * mu - lambda);
  EXPECT_NEAR(r.meanWait, wq, 0.03 * wq);
  double p99 = p99System(c, lambda, mu);
  EXPECT_NEAR(r.p99System, p99, 0.05 * p99);
  expectLittle(r, r.meanSystem);
}
