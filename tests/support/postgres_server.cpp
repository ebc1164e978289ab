#include "postgres_server.hpp"

#include "command.hpp"
#include "free_port.hpp"

#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace switchboard::test {
namespace fs = std::filesystem;
namespace {

// The newest installed server's bin folder, e.g. /usr/lib/postgresql/15/bin.
std::string server_bin() {
  std::string best;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    if (fs::exists(entry.path() / "bin" / "initdb") && entry.path().string() > best) best = entry.path().string();
  }
  if (best.empty()) throw std::runtime_error("PostgreSQL server not installed (apt-get install postgresql)");
  return best + "/bin";
}

std::pair<int, std::string> run(const std::string& command) {
  auto result = run_command(command);
  return {result.exit_code, std::move(result.output)};
}

}  // namespace

PostgresServer::PostgresServer() : bin_(server_bin()), port_(free_port()), as_postgres_user_(::geteuid() == 0) {
  char pattern[] = "/tmp/switchboard-pg-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  if (as_postgres_user_) {
    const passwd* user = ::getpwnam("postgres");
    if (!user || ::chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      throw std::runtime_error("cannot hand " + dir_ + " to the postgres user");
    }
  }
  auto [init_status, init_output] =
      run(run_as_owner(bin_ + "/initdb -D " + dir_ + "/data -A trust -U switchboard -E UTF8 --no-sync"));
  if (init_status != 0) throw std::runtime_error("initdb failed: " + init_output);
  const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + dir_ +
                              " -c fsync=off -c max_connections=200";
  auto [start_status, start_output] = run(run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                                                       "/server.log -w -t 60 -o '" + options + "' start"));
  if (start_status != 0) throw std::runtime_error("pg_ctl start failed: " + start_output);
}

PostgresServer::~PostgresServer() {
  run(run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop"));
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string PostgresServer::run_as_owner(const std::string& command) const {
  return as_postgres_user_ ? "su postgres -s /bin/sh -c \"" + command + "\"" : command;
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://switchboard@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::create_database(const std::string& name) {
  auto [status, output] = run(bin_ + "/psql -X -q -h 127.0.0.1 -p " + std::to_string(port_) +
                              " -U switchboard -d postgres -c 'CREATE DATABASE \"" + name + "\"'");
  if (status != 0) throw std::runtime_error("CREATE DATABASE " + name + " failed: " + output);
  return url(name);
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server;
  return server;
}

}  // namespace switchboard::test
