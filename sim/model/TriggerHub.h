// External arrival streams (user signups) and the poke-mode sensors that wait for them.
//
// A poke sensor looks every poke_interval from its start. Rather than simulate every poke, the
// hub hands an arrival to the waiting sensor whose next poke comes first and wakes it at that
// poke: the same outcome as polling, at the cost of one event per arrival.
#pragma once

#include <deque>
#include <list>
#include <string>
#include <vector>

#include "model/Runtime.h"

namespace schedlab {

class TriggerHub {
 public:
  TriggerHub(Runtime& rt, std::vector<std::string> streams)
      : rt_(rt), names_(std::move(streams)), streams_(names_.size()) {}

  // What a waiting sensor's supervisor does meanwhile (airflow3): a heartbeat at nextAt(); false
  // from beat() stops the wait.
  class Heartbeat {
   public:
    virtual ~Heartbeat() = default;
    virtual double nextAt() const = 0;
    virtual bool beat() = 0;
  };
  static constexpr double kStopped = -2;  // waitForArrival's answer when a heartbeat stopped it

  int streamIndex(const std::string& name) const;
  // An arrival at `now`; true when a sensor took it, false when it waits as pending.
  bool arrive(int stream, double now);
  // Blocks a poke sensor that started at `started` until it sees an arrival; returns the arrival
  // time, or -1 when `timeout` passed first. The caller is woken at the poke that sees it. With
  // `heartbeat`, it beats meanwhile; kStopped when a beat said stop (the sensor waits no more, and
  // an arrival handed to it meanwhile goes to another sensor or is pending again).
  double waitForArrival(int stream, double started, double pokeInterval, double timeout,
                        Heartbeat* heartbeat = nullptr);
  size_t pending(int stream) const { return streams_[stream].pending.size(); }
  // A reschedule-mode sensor's poke: the oldest pending arrival, taken; -1 when there is none.
  double takePending(int stream);

 private:
  struct Waiter {
    double started, pokeInterval;
    SemaphorePtr wake;
    double arrival = -1, wakeAt = -1;
  };
  struct Stream {
    std::deque<double> pending;
    std::list<Waiter*> waiting;
  };
  Runtime& rt_;
  std::vector<std::string> names_;
  std::vector<Stream> streams_;
};

}  // namespace schedlab
