#include <gtest/gtest.h>

#include "pg/ConnectionString.h"

using namespace schedlab;

TEST(ConnectionString, AConnectTimeoutUnlessTheUserGaveOne) {
  EXPECT_EQ(withConnectTimeout("postgresql://u@db:5432/airflow"), "postgresql://u@db:5432/airflow?connect_timeout=10");
  EXPECT_EQ(withConnectTimeout("postgres://db/airflow?sslmode=require"),
            "postgres://db/airflow?sslmode=require&connect_timeout=10");
  EXPECT_EQ(withConnectTimeout("host=db dbname=airflow"), "host=db dbname=airflow connect_timeout=10");
  EXPECT_EQ(withConnectTimeout("postgresql://db/a?connect_timeout=3"), "postgresql://db/a?connect_timeout=3");
}

TEST(ConnectionString, ThePasswordIsNeverShown) {
  const std::string uri = "postgresql://airflow:s3cret@db:5432/airflow";
  EXPECT_EQ(maskPassword("cannot connect to " + uri + ": refused", uri),
            "cannot connect to postgresql://airflow:***@db:5432/airflow: refused");
  const std::string kv = "host=db user=airflow password=s3cret dbname=airflow";
  EXPECT_EQ(maskPassword("cannot connect to " + kv, kv),
            "cannot connect to host=db user=airflow password=*** dbname=airflow");
  const std::string quoted = "host=db password='a b' dbname=x";
  EXPECT_EQ(maskPassword(quoted, quoted), "host=db password='***' dbname=x");
  EXPECT_EQ(maskPassword("no password here", "postgresql://u@db/x"), "no password here");
  // Forms libpq reads that are not user:password@: a URI's query, spaces around '=', an encoded one.
  const std::string query = "postgresql://u@db/x?password=s3cret&sslmode=disable";
  EXPECT_EQ(maskPassword(query, query), "postgresql://u@db/x?password=***&sslmode=disable");
  EXPECT_EQ(maskPassword("host=db password = s3cret dbname=x", "host=db password = s3cret dbname=x"),
            "host=db password = *** dbname=x");
  const std::string encoded = "postgresql://u:p%40ss@db/x";
  EXPECT_EQ(maskPassword("to " + encoded + " as p@ss", encoded), "to postgresql://u:***@db/x as ***");
}
