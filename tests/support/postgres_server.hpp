#pragma once
// A throwaway PostgreSQL server for tests: a fresh cluster in a temporary folder (initdb),
// listening on 127.0.0.1 at a free port and on a socket in that folder, trust auth, stopped
// and removed at the end. As root (CI), initdb and pg_ctl run as the `postgres` user, since
// PostgreSQL refuses to run as root.

#include <memory>
#include <string>

namespace switchboard::test {

class PostgresServer {
 public:
  PostgresServer();  // throws std::runtime_error with initdb's or pg_ctl's output when it fails
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // postgresql://switchboard@127.0.0.1:PORT/<database>
  std::string url(const std::string& database = "postgres") const;
  // Creates an empty database and returns its URL.
  std::string create_database(const std::string& name);

  // One server for the whole test program, started on first use.
  static PostgresServer& shared();

 private:
  std::string run_as_owner(const std::string& command) const;

  std::string dir_;
  std::string bin_;
  int port_ = 0;
  bool as_postgres_user_ = false;
};

}  // namespace switchboard::test
