// A yardstick of the server's speed: a statement that reads only PostgreSQL's own catalog (the
// same on every schema and history), sent with literal arguments as Airflow's are (parsed and
// planned each time), from one connection, each followed by a pause (the client's work), and its
// backend's CPU per statement. `schedlab calibrate` measures it at its start and end, `schedlab
// live` before and after its run on the same server: the calibration's over the live run's is the
// server's speed in the live run's window against the calibration's (metadb.core_speed). A live
// check against costs measured a minute before would otherwise take a move of the machine's speed
// for the model's error (this VM's moved by up to 1.7x within a minute).
#pragma once

#include <pqxx/pqxx>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

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

// How far the server's speed moved between two of the yardstick's readings (CPU seconds a
// statement): the larger over the smaller, 1 when steady; -1 when either is missing (<= 0).
double speedMoved(double earlier, double later);
// Beyond it, a measurement mixes two speeds too far apart to stand for either: this VM's moved by
// up to 3.3x within one quick calibration, where the live checks' own drift corrections assume it
// steady within each window.
constexpr double kSpeedMovedTooFar = 1.5;

// The same yardstick sent all through a window while other work runs, from a thread and a
// connection of its own, each statement followed by a pause of `interval` seconds: the server's speed through the
// window rather than at its ends (this VM's moved by 1.4x within one 30 s live run).
// Its pause after each statement, the same in the calibration and in a live run so that their
// readings compare (a statement's CPU depends on how long its backend idled before it).
constexpr double kSpeedProbeThreadPace = 0.02;

// A yardstick sent in short bursts at the per-type costs' pace (its statements as dear as theirs:
// the backend stays awake) with long pauses between (about 1 % of a core), the first statements of
// each burst (a woken backend's) not counted. Its statement is a trigger-rule count over three
// task instances by their keys (kSpeedProbeBurstStatement, the shape of a 1.10 scheduler's most
// frequent statement) on a table of the harness's own, the same on every server. (A task
// instance's read by key, tried first, grew 40 % dearer beside the calibration's paced clients
// where the count grows 10-18 %: its ratio read a lighter live run as faster than its statements
// ran.) `schedlab calibrate` sends the bursts all through its
// per-type measurements, `schedlab live` all through its run: the two's ratio is the server's
// speed in the live run against the calibration's per-type costs.
struct SpeedProbeBursts {
  double pace = 0.001;  // after each statement of a burst, CalibrationPlan::serverCpuPace's default
  int statements = 12;  // a burst's
  int uncounted = 2;    // its first ones
  double every = 0.25;  // seconds from a burst's start to the next's
};

class SpeedProbeThread {
 public:
  struct Reading {
    double cpuSeconds = 0;  // its backend's, over the statements counted
    long long statements = 0;
    // The CPU seconds per statement since `earlier`, -1 without a statement since.
    double since(const Reading& earlier) const;
  };
  // Connects to `conninfo` and starts sending. Sends nothing (every reading empty) when the
  // backend's CPU cannot be read or the server fails it: a report, which never fails what runs.
  // REQUIRES: interval > 0.
  SpeedProbeThread(const std::string& conninfo, double interval);
  // The bursts' statement in bursts (statements 0: kSpeedProbeStatement in one burst without end,
  // which the constructor above sends).
  // REQUIRES: bursts.pace > 0, 0 <= bursts.uncounted, and uncounted < statements unless statements is 0.
  SpeedProbeThread(const std::string& conninfo, const SpeedProbeBursts& bursts);
  ~SpeedProbeThread();  // stops it if stop() was not called

  // What it has measured so far; thread-safe. Two readings' difference is the window's between.
  Reading reading() const;
  // The same second by second since it started, each second's own (not summed): where the
  // server's speed moved within the window, which its mean hides. Thread-safe.
  std::vector<Reading> bySecond() const;
  // Seconds since it started: bySecond()[k] is its k-th second.
  double elapsed() const;
  // Stops sending and closes its connection; later readings stay at the last.
  void stop();
  // CPU seconds its backend has run so far (at stop() once stopped), 0 when not visible: the
  // harness's, which a run's DB CPU leaves out. Thread-safe.
  double backendSeconds() const;

 private:
  struct State;  // its connection, thread and readings
  std::unique_ptr<State> state_;
};

// How far the server's speed moved within a window read second by second (bySecond): consecutive
// seconds joined until each part holds at least `statements` (a short last part joins the one
// before), the dearest part's CPU a statement over the cheapest's; 1 when steady, -1 with fewer
// than two parts. REQUIRES: statements > 0.
double speedSpread(const std::vector<SpeedProbeThread::Reading>& seconds, long long statements);
// The parts it compares for the bursts: about 8 s of theirs (40 counted a second). A live run's
// load moves their cost too (its first seconds cheaper, a dear second now and then): six steady
// live runs here read 1.27-1.52x apart in 4 s parts, 1.12-1.22x in 8 s parts, where one whose
// server ran twice as slow from its 16th second on read 2.25x and 2.04x.
constexpr long long kSpreadStatements = 320;

// The statements sent, for the record: "<one of them>" with the catalog name that varies.
extern const std::string kSpeedProbeStatement;
// The bursts', "<dag>" and "<task>" varying over schedlab_harness.yardstick's 1,000 rows (the
// count reads task_1, task_2 and <task> of a DAG's run).
extern const std::string kSpeedProbeBurstStatement;
// Its i-th statement (the rows go round).
std::string speedProbeBurstStatement(size_t i);
// Creates the bursts' table on `c`'s server unless it is there. Throws what the server throws.
void createSpeedProbeTable(pqxx::connection& c);

}  // namespace schedlab
