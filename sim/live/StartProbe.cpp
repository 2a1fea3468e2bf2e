#include "live/StartProbe.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "pg/ServerCpu.h"

namespace schedlab {

StartProbeThread::StartProbeThread(std::function<std::unique_ptr<pqxx::connection>()> connect, double every, int most)
    : connect_(std::move(connect)) {
  thread_ = std::thread([this, every, most] { run(every, most); });
}

StartProbeThread::~StartProbeThread() { close(); }

void StartProbeThread::run(double every, int most) {
  const auto step =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(every));
  auto next = std::chrono::steady_clock::now() + step;
  try {
    for (int i = 0; i < most && !stopping_; ++i) {
      while (!stopping_ && std::chrono::steady_clock::now() < next)
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            next - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
      if (stopping_) break;
      next += step;
      auto c = connect_();
      BackendCpu backend(*c);
      if (!backend.visible()) return;  // the server's processes are not on this machine
      const double started = backend.seconds();
      std::lock_guard lock(mu_);
      startSeconds_ += started;
      backends_.push_back(backend.pid());
      connections_.push_back(std::move(c));
    }
  } catch (const std::exception&) {  // the server went away: the starts measured stand
  }
}

void StartProbeThread::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void StartProbeThread::close() {
  stop();
  const double cpu = backendSeconds();
  std::lock_guard lock(mu_);
  if (closedSeconds_ >= 0) return;
  closedSeconds_ = cpu;
  connections_.clear();
}

int StartProbeThread::starts() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(backends_.size());
}

double StartProbeThread::startSeconds() const {
  std::lock_guard lock(mu_);
  return startSeconds_;
}

double StartProbeThread::backendSeconds() const {
  std::lock_guard lock(mu_);
  if (closedSeconds_ >= 0) return closedSeconds_;
  double cpu = 0;
  for (int pid : backends_) cpu += std::max(0.0, processRunSeconds(pid));
  return cpu;
}

}  // namespace schedlab
