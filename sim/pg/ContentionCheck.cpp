#include "pg/ContentionCheck.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <thread>

#include "pg/PreparedShape.h"
#include "pg/QueryShapes.h"

namespace schedlab {
namespace {

const std::vector<std::string> kMix = {"trigger_rule_dep", "trigger_rule_dep", "ti_current_state",
                                       "update_state_select_tis", "ti_merge_scheduled"};

const QueryShape& shapeNamed(const std::string& name) {
  for (const QueryShape& s : queryShapes(SchemaLayout::Airflow110))
    if (s.name == name) return s;
  throw std::runtime_error("no shape " + name);
}

}  // namespace

double predictClosedLoopLatency(int clients, double think, double service, int cores) {
  if (service <= 0) return think;
  // Exact MVA with a load-dependent station: rate mu(j) = min(j, cores) / service.
  std::vector<double> p = {1.0};  // p[j]: probability of j clients at the station, population n - 1
  double response = 0;
  for (int n = 1; n <= clients; ++n) {
    response = 0;
    for (int j = 1; j <= n; ++j) response += j * service / std::min(j, cores) * p[j - 1];
    const double throughput = n / (think + response);
    std::vector<double> next(n + 1, 0.0);
    double rest = 0;
    for (int j = 1; j <= n; ++j) {
      next[j] = throughput * service / std::min(j, cores) * p[j - 1];
      rest += next[j];
    }
    next[0] = std::max(0.0, 1.0 - rest);
    p = next;
  }
  return think + response;
}

std::vector<ContentionResult> checkContention(BenchDatabase& db, const History& h, const std::vector<int>& clients,
                                              double seconds, const std::map<std::string, double>& singleClientLatency,
                                              double roundTrip, int cores) {
  // The mix's mean round trips (uncontended in the model) and mean DB time (shared by the cores).
  double think = 0, service = 0;
  for (const std::string& name : kMix) {
    const QueryShape& s = shapeNamed(name);
    int trips = 0;
    for (const auto& st : s.statements) trips += st.times;
    think += trips * roundTrip / kMix.size();
    service += std::max(0.0, singleClientLatency.at(name) - trips * roundTrip) / kMix.size();
  }
  // The machine's speed drifts: a single-client run of the same mix right before the others gives
  // the level, the benchmarks only the split between round trips and DB time.
  std::vector<int> counts = clients;
  if (counts.empty() || counts.front() != 1) counts.insert(counts.begin(), 1);
  std::vector<ContentionResult> out;
  const double share = think + service > 0 ? service / (think + service) : 0;
  for (int n : counts) {
    std::atomic<bool> stop{false};
    std::vector<double> total(n, 0.0);
    std::vector<long long> count(n, 0);
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(n);
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        try {
          auto c = db.connect(SchemaLayout::Airflow110, h);
          std::vector<std::unique_ptr<PreparedShape>> shapes;
          for (const std::string& name : kMix)
            shapes.push_back(std::make_unique<PreparedShape>(*c, shapeNamed(name), h, 100 + i));
          for (auto& s : shapes) s->run();  // warm
          for (size_t k = 0; !stop.load(); k = (k + 1) % shapes.size()) {
            auto t0 = std::chrono::steady_clock::now();
            shapes[k]->run();
            total[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            ++count[i];
          }
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
    double sum = 0;
    long long queries = 0;
    for (int i = 0; i < n; ++i) {
      sum += total[i];
      queries += count[i];
    }
    const double measured = queries ? sum / static_cast<double>(queries) : 0;
    if (n == 1) {
      think = (1 - share) * measured;
      service = share * measured;
    }
    out.push_back({n, measured, predictClosedLoopLatency(n, think, service, cores)});
  }
  return out;
}

}  // namespace schedlab
