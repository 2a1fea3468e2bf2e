// The progress of simulations running in child processes (one a variant), drawn by the parent as
// one line on stderr. Each child posts to its slot of a shared memory map; the parent reads them.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "engine/Simulation.h"

namespace schedlab {

class ProgressBoard {
 public:
  // REQUIRES: constructed before the children are forked.
  explicit ProgressBoard(std::vector<std::string> variants);
  // Ends the line (finish) in the process that made the board.
  ~ProgressBoard();
  ProgressBoard(const ProgressBoard&) = delete;
  ProgressBoard& operator=(const ProgressBoard&) = delete;

  // In child i: its latest progress.
  void post(size_t i, const SimulationProgress& p);
  // In the parent: child i ended.
  void ended(size_t i);
  // In the parent: redraws the line, at most every 500 ms once a wall second has passed.
  void draw();
  // In the parent: ends the line with a newline if one was drawn.
  void finish();

 private:
  struct Slot;
  std::vector<std::string> variants_;
  Slot* slots_;
  std::vector<bool> ended_;
  std::chrono::steady_clock::time_point start_, lastDraw_;
  size_t lastWidth_ = 0;
  bool drawn_ = false;
};

}  // namespace schedlab
