#pragma once
// A throwaway Redis server for tests: `redis-server` from Debian's package on 127.0.0.1 at a
// free port, no persistence, its files in a temporary folder; stopped at the end.

#include <sys/types.h>

#include <string>

namespace switchboard::test {

class RedisServer {
 public:
  RedisServer();  // throws std::runtime_error when redis-server is missing or does not answer
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  // Runs redis-cli against the server; its output.
  std::string cli(const std::string& arguments) const;

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace switchboard::test
