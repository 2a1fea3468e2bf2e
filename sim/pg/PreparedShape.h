// One query shape's statements prepared on one connection and run with fresh random arguments
// (a random DAG, its newest run, a random job, that run's running task instance) each time: the unit the benchmarks
// time.
#pragma once

#include <pqxx/pqxx>

#include <random>
#include <string>
#include <vector>

#include "pg/QueryShapes.h"

namespace schedlab {

class PreparedShape {
 public:
  PreparedShape(pqxx::connection& c, const QueryShape& shape, const History& h, unsigned seed)
      : c_(c),
        shape_(shape),
        runs_(std::to_string(h.runsPerDag())),
        runsPerDag_(h.runsPerDag()),
        dag_(1, h.dags),
        job_(1, 1000),
        rng_(seed) {
    for (size_t i = 0; i < shape.statements.size(); ++i) {
      takesArgs_ |= shape.statements[i].args != ShapeStatement::Args::None;
      names_.push_back(shape.name + "_" + std::to_string(i));
      c_.prepare(names_.back(), shape.statements[i].sql);
    }
  }

  ~PreparedShape() {
    for (const auto& name : names_) {
      try {
        c_.unprepare(name);
      } catch (...) {
        // The connection is gone: so are its prepared statements.
      }
    }
  }
  PreparedShape(const PreparedShape&) = delete;
  PreparedShape& operator=(const PreparedShape&) = delete;

  // One execution of the shape; returns the rows the last statement returned or changed.
  long long run() {
    // Arguments drawn only for shapes that take them: the harness's own work per query stays
    // as small as pgbench's for a SELECT 1.
    std::string dag, job, ti;
    if (takesArgs_) {
      const int d = dag_(rng_);
      dag = "dag_" + std::to_string(d);
      job = std::to_string(job_(rng_));
      ti = taskInstanceUuid(d, runsPerDag_, 1);
    }
    if (shape_.transaction == QueryShape::Transaction::None) {
      pqxx::nontransaction tx(c_);
      return execute(tx, dag, job, ti);
    }
    pqxx::work tx(c_);
    long long rows = execute(tx, dag, job, ti);
    if (shape_.transaction == QueryShape::Transaction::Commit)
      tx.commit();
    else
      tx.abort();
    return rows;
  }

 private:
  long long execute(pqxx::transaction_base& tx, const std::string& dag, const std::string& job, const std::string& ti) {
    long long rows = 0;
    for (size_t i = 0; i < names_.size(); ++i) {
      const ShapeStatement& s = shape_.statements[i];
      for (int k = 0; k < s.times; ++k) {
        pqxx::result r;
        switch (s.args) {
          case ShapeStatement::Args::None:
            r = tx.exec_prepared(names_[i]);
            break;
          case ShapeStatement::Args::Dag:
            r = tx.exec_prepared(names_[i], dag);
            break;
          case ShapeStatement::Args::DagRun:
            r = tx.exec_prepared(names_[i], dag, runs_);
            break;
          case ShapeStatement::Args::Job:
            r = tx.exec_prepared(names_[i], job);
            break;
          case ShapeStatement::Args::TaskInstance:
            r = tx.exec_prepared(names_[i], ti);
            break;
        }
        rows = r.columns() > 0 ? static_cast<long long>(r.size()) : static_cast<long long>(r.affected_rows());
      }
    }
    return rows;
  }

  pqxx::connection& c_;
  const QueryShape& shape_;
  std::vector<std::string> names_;
  std::string runs_;
  int runsPerDag_;
  std::uniform_int_distribution<int> dag_, job_;
  std::mt19937 rng_;
  bool takesArgs_ = false;
};

}  // namespace schedlab
