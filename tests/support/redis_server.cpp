#include "redis_server.hpp"

#include "free_port.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace switchboard::test {
RedisServer::RedisServer() : port_(free_port()) {
  if (!std::filesystem::exists("/usr/bin/redis-server"))
    throw std::runtime_error("redis-server is not installed (apt-get install redis-server)");
  char pattern[] = "/tmp/switchboard-redis-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  const std::string port = std::to_string(port_);
  const std::string logfile = dir_ + "/redis.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execl("/usr/bin/redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", dir_.c_str(), "--daemonize", "no", "--loglevel", "warning", "--logfile",
            logfile.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (cli("PING").find("PONG") != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("redis-server did not answer on port " + port);
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::cli(const std::string& arguments) const {
  std::string output;
  const std::string command = "redis-cli -h 127.0.0.1 -p " + std::to_string(port_) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return output;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  ::pclose(pipe);
  return output;
}

}  // namespace switchboard::test
