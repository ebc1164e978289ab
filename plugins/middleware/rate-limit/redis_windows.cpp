#include "redis_windows.hpp"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <charconv>

namespace rate_limit {
namespace {

// KEYS: the windows. ARGV: now (ms), window (ms), member, admit (1/0), then one limit per key.
// Returns {admitted, count1, oldest1, count2, oldest2, …}, counts after the admission.
constexpr const char* kScript = R"lua(
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local room = 1
local counts = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  counts[i] = redis.call('ZCARD', key)
  if counts[i] >= tonumber(ARGV[4 + i]) then room = 0 end
end
local admitted = 0
if room == 1 and ARGV[4] == '1' then
  admitted = 1
  for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[3])
    redis.call('PEXPIRE', key, window)
    counts[i] = counts[i] + 1
  end
end
local out = {admitted}
for i, key in ipairs(KEYS) do
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  out[#out + 1] = counts[i]
  out[#out + 1] = oldest[2] or tostring(now)
end
return out
)lua";

using Reply = std::unique_ptr<redisReply, decltype(&freeReplyObject)>;

Reply command(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return Reply(static_cast<redisReply*>(
                   redisCommandArgv(context, static_cast<int>(args.size()), pointers.data(), lengths.data())),
               &freeReplyObject);
}

std::int64_t as_integer(const redisReply* reply) {
  if (reply->type == REDIS_REPLY_INTEGER) return reply->integer;
  std::int64_t value = 0;
  if (reply->type == REDIS_REPLY_STRING) {
    // Scores come back as text: whole milliseconds, which Redis writes as plain digits.
    const char* end = reply->str + reply->len;
    std::from_chars(reply->str, end, value);
  }
  return value;
}

}  // namespace

tl::expected<RedisAddress, std::string> parse_redis_url(const std::string& url) {
  constexpr std::string_view scheme = "redis://";
  if (!url.starts_with(scheme)) return tl::unexpected(std::string("the Redis URL must start with redis://"));
  std::string rest = url.substr(scheme.size());
  RedisAddress address;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = credentials.find(':');
    address.password = colon == std::string::npos ? credentials : credentials.substr(colon + 1);
  }
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string database = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!database.empty()) {
      auto [end, error] = std::from_chars(database.data(), database.data() + database.size(), address.database);
      if (error != std::errc() || end != database.data() + database.size() || address.database < 0)
        return tl::unexpected(std::string("the Redis URL's database must be a number"));
    }
  }
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (error != std::errc() || end != port.data() + port.size() || address.port < 1 || address.port > 65535)
      return tl::unexpected(std::string("the Redis URL's port must be 1 to 65535"));
  }
  if (!rest.empty()) address.host = rest;
  return address;
}

void RedisWindows::ContextDeleter::operator()(redisContext* context) const { redisFree(context); }

RedisWindows::RedisWindows(RedisAddress address, std::chrono::seconds window, std::string key_prefix)
    : address_(std::move(address)), window_(window), prefix_(std::move(key_prefix)) {}

RedisWindows::~RedisWindows() = default;

tl::expected<RedisWindows::Connection, std::string> RedisWindows::connect() {
  const timeval timeout{0, 500'000};
  Connection connection(redisConnectWithTimeout(address_.host.c_str(), address_.port, timeout));
  if (!connection) return tl::unexpected(std::string("cannot allocate a Redis connection"));
  if (connection->err) return tl::unexpected("cannot connect to Redis: " + std::string(connection->errstr));
  redisSetTimeout(connection.get(), timeout);
  if (!address_.password.empty()) {
    auto reply = command(connection.get(), {"AUTH", address_.password});
    if (!reply || reply->type == REDIS_REPLY_ERROR) return tl::unexpected(std::string("Redis refused the password"));
  }
  if (address_.database != 0) {
    auto reply = command(connection.get(), {"SELECT", std::to_string(address_.database)});
    if (!reply || reply->type == REDIS_REPLY_ERROR) return tl::unexpected(std::string("Redis refused SELECT"));
  }
  return connection;
}

tl::expected<std::vector<Decision>, std::string> RedisWindows::decide(const std::vector<WindowCheck>& windows,
                                                                      Clock::time_point now, bool admit) {
  Connection connection;
  std::uint64_t sequence = 0;
  {
    std::lock_guard lock(mutex_);
    sequence = ++sequence_;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!connection) {
    auto made = connect();
    if (!made) return tl::unexpected(made.error());
    connection = std::move(*made);
  }
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
  std::vector<std::string> args = {"EVAL", kScript, std::to_string(windows.size())};
  for (const auto& window : windows) args.push_back(window.key);
  args.push_back(std::to_string(now_ms));
  args.push_back(std::to_string(window_ms));
  // Distinct per admission across instances: time, process and sequence.
  args.push_back(std::to_string(now_ms) + ":" + std::to_string(::getpid()) + ":" + std::to_string(sequence));
  args.push_back(admit ? "1" : "0");
  for (const auto& window : windows) args.push_back(std::to_string(window.limit));
  auto reply = command(connection.get(), args);
  if (!reply) return tl::unexpected("Redis connection lost: " + std::string(connection->errstr));  // dropped
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 1 + 2 * windows.size()) {
    return tl::unexpected(std::string("unexpected answer from Redis") +
                          (reply->type == REDIS_REPLY_ERROR ? ": " + std::string(reply->str, reply->len) : ""));
  }
  const bool admitted = as_integer(reply->element[0]) == 1;
  std::vector<Decision> decisions;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto count = static_cast<int>(as_integer(reply->element[1 + 2 * i]));
    const auto oldest_ms = as_integer(reply->element[2 + 2 * i]);
    Decision decision;
    decision.limit = windows[i].limit;
    decision.allowed = admitted || count < windows[i].limit;  // refused: the full windows say so
    decision.remaining = std::max(0, windows[i].limit - count);
    decision.reset = std::chrono::ceil<std::chrono::seconds>(std::chrono::milliseconds(oldest_ms + window_ms - now_ms));
    if (decision.reset.count() < 0) decision.reset = std::chrono::seconds(0);
    decisions.push_back(decision);
  }
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
  return decisions;
}

}  // namespace rate_limit
