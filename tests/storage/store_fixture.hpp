#pragma once
// Runs a storage test once per engine: on a fresh SQLite file and on a fresh database of the
// test program's throwaway PostgreSQL server.

#include <atomic>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <switchboard/storage/database.hpp>

#include "../support/postgres_server.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {

class EachStore : public ::testing::TestWithParam<storage::Dialect> {
 protected:
  // The URL of an empty store of this test's engine.
  std::string fresh_url() {
    if (GetParam() == storage::Dialect::sqlite) return "sqlite://" + (dir_.path() / next_name()).string() + ".db";
    return PostgresServer::shared().create_database(next_name());
  }
  std::unique_ptr<storage::Database> open_fresh(std::size_t pool = 4) {
    return storage::open_database(fresh_url(), dir_.path(), pool);
  }
  const std::filesystem::path& data_dir() const { return dir_.path(); }

 private:
  static std::string next_name() {
    static std::atomic<int> counter{0};
    return "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  }
  TempDir dir_;
};

inline std::string engine_name(const ::testing::TestParamInfo<storage::Dialect>& info) {
  return info.param == storage::Dialect::sqlite ? "SQLite" : "PostgreSQL";
}

}  // namespace switchboard::test
