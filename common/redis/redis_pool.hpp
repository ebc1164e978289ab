#pragma once
// A small pool of blocking hiredis connections with short timeouts, for callers that must
// not wait long on Redis and fall back to something local when it is away: a broken
// connection is dropped and the next command connects again.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>
#include <tl/expected.hpp>

namespace switchboard::redis {

struct Address {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // empty: no AUTH
  int database = 0;
};

// redis://[:password@]host[:port][/database]; an error names what is wrong (never the password).
tl::expected<Address, std::string> parse_url(const std::string& url);

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// An integer reply, or a string reply holding digits (0 otherwise).
std::int64_t as_integer(const redisReply* reply);

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
using Connection = std::unique_ptr<redisContext, ContextDeleter>;

// A blocking connection with `timeout` on connect and on each command, authenticated and on
// the address's database.
tl::expected<Connection, std::string> connect(const Address& address, std::chrono::milliseconds timeout);

// Runs one command (binary-safe arguments) on `context`; null when the connection broke.
Reply command(redisContext* context, const std::vector<std::string>& args);

class Pool {
 public:
  explicit Pool(Address address, std::chrono::milliseconds timeout = std::chrono::milliseconds(500))
      : address_(std::move(address)), timeout_(timeout) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs one command (binary-safe arguments). An error when Redis cannot be reached or the
  // connection broke; an error reply from Redis is a reply, for the caller to judge.
  tl::expected<Reply, std::string> run(const std::vector<std::string>& args);

 private:
  const Address address_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::vector<Connection> idle_;
};

}  // namespace switchboard::redis
