#include "engine/ProgressBoard.h"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <new>
#include <stdexcept>

namespace schedlab {

// Written by one child, read by the parent: each field on its own is consistent.
struct ProgressBoard::Slot {
  std::atomic<double> virtualSeconds{0}, horizon{0}, eventsPerSecond{0};
  std::atomic<bool> posted{false};
};
static_assert(std::atomic<double>::is_always_lock_free, "shared between processes");

ProgressBoard::ProgressBoard(std::vector<std::string> variants)
    : variants_(std::move(variants)), ended_(variants_.size(), false), start_(std::chrono::steady_clock::now()) {
  void* p = ::mmap(nullptr, sizeof(Slot) * std::max<size_t>(1, variants_.size()), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("mmap of the progress board failed");
  slots_ = static_cast<Slot*>(p);
  for (size_t i = 0; i < variants_.size(); ++i) new (&slots_[i]) Slot();
}

ProgressBoard::~ProgressBoard() {
  finish();
  ::munmap(slots_, sizeof(Slot) * std::max<size_t>(1, variants_.size()));
}

void ProgressBoard::post(size_t i, const SimulationProgress& p) {
  slots_[i].virtualSeconds = p.virtualSeconds;
  slots_[i].horizon = p.horizon;
  slots_[i].eventsPerSecond = p.eventsPerSecond;
  slots_[i].posted = true;
}

void ProgressBoard::ended(size_t i) { ended_[i] = true; }

void ProgressBoard::draw() {
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1) || (drawn_ && now - lastDraw_ < std::chrono::milliseconds(500))) return;
  std::string line;
  double eventsPerSecond = 0;
  size_t running = 0, done = 0;
  for (size_t i = 0; i < variants_.size(); ++i) {
    if (ended_[i]) {
      ++done;
      continue;
    }
    if (!slots_[i].posted) continue;
    ++running;
    eventsPerSecond += slots_[i].eventsPerSecond;
    const double v = slots_[i].virtualSeconds, h = slots_[i].horizon;
    char part[256];
    if (variants_.size() == 1)  // one variant: its virtual time in full
      std::snprintf(part, sizeof part, "[%s] virtual %.1f%% (%.0f of %.0f s)", variants_[i].c_str(), 100.0 * v / h, v,
                    h);
    else
      std::snprintf(part, sizeof part, "%s%s %.1f%%", line.empty() ? "virtual time: " : ", ", variants_[i].c_str(),
                    100.0 * v / h);
    line += part;
  }
  if (running == 0) return;
  char tail[128];
  if (variants_.size() > 1)
    std::snprintf(tail, sizeof tail, " (%zu of %zu variants done), %.0f events/s", done, variants_.size(),
                  eventsPerSecond);
  else
    std::snprintf(tail, sizeof tail, ", %.0f events/s", eventsPerSecond);
  line += tail;
  // One screen row: a wrapped line would leave its first rows behind at each redraw.
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 2 && line.size() + 1 >= ws.ws_col)
    line.resize(ws.ws_col - 2u);
  // Blanks over what is left of a longer line drawn before.
  const size_t width = line.size();
  line.resize(std::max(width, lastWidth_) + 1, ' ');
  lastWidth_ = width;
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
  lastDraw_ = now;
}

void ProgressBoard::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
  lastWidth_ = 0;
}

}  // namespace schedlab
