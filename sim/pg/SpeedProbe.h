// A yardstick of the server's speed: a statement that reads only PostgreSQL's own catalog (the
// same on every schema and history), sent with literal arguments as Airflow's are (parsed and
// planned each time), from one connection, each followed by a pause (the client's work), and its
// backend's CPU per statement. `schedlab calibrate` measures it at its start and end, `schedlab
// live` before and after its run on the same server: the calibration's over the live run's is the
// server's speed in the live run's window against the calibration's (metadb.core_speed). A live
// check against costs measured a minute before would otherwise take a move of the machine's speed
// for the model's error (this VM's moved by up to 1.7x within a minute).
#pragma once

#include <string>

namespace schedlab {

struct SpeedProbePlan {
  double seconds = 1;   // how long the statements are sent
  double pace = 0.001;  // the pause after each, as the per-type costs' (CalibrationPlan::serverCpuPace)
  int warmup = 20;      // statements sent first, not counted
};

// The statement's backend CPU seconds per execution, on a connection of its own to `conninfo`
// (closed on return), or -1 when the backend's CPU cannot be read (a server elsewhere) or the
// server fails it: a report, which never fails what measures it.
double probeServerSpeed(const std::string& conninfo, const SpeedProbePlan& plan = {});

// The statements sent, for the record: "<one of them>" with the catalog name that varies.
extern const char* const kSpeedProbeStatement;

}  // namespace schedlab
