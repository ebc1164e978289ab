#include "redis_pool.hpp"

#include <charconv>

namespace switchboard::redis {
namespace {

template <typename Number>
bool parse_number(const std::string& text, Number& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

tl::expected<Address, std::string> parse_url(const std::string& url) {
  constexpr std::string_view scheme = "redis://";
  if (!url.starts_with(scheme)) return tl::unexpected(std::string("the Redis URL must start with redis://"));
  std::string rest = url.substr(scheme.size());
  Address address;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = credentials.find(':');
    address.password = colon == std::string::npos ? credentials : credentials.substr(colon + 1);
  }
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string database = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!database.empty() && (!parse_number(database, address.database) || address.database < 0))
      return tl::unexpected(std::string("the Redis URL's database must be a number"));
  }
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!parse_number(port, address.port) || address.port < 1 || address.port > 65535)
      return tl::unexpected(std::string("the Redis URL's port must be 1 to 65535"));
  }
  if (!rest.empty()) address.host = rest;
  return address;
}

Reply command(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(args.size()), pointers.data(), lengths.data())));
}

std::int64_t as_integer(const redisReply* reply) {
  if (reply->type == REDIS_REPLY_INTEGER) return reply->integer;
  std::int64_t value = 0;
  if (reply->type == REDIS_REPLY_STRING) parse_number(std::string(reply->str, reply->len), value);
  return value;
}

tl::expected<Connection, std::string> connect(const Address& address, std::chrono::milliseconds timeout_ms) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout_ms).count();
  const timeval timeout{static_cast<time_t>(micros / 1'000'000), static_cast<suseconds_t>(micros % 1'000'000)};
  Connection connection(redisConnectWithTimeout(address.host.c_str(), address.port, timeout));
  if (!connection) return tl::unexpected(std::string("cannot allocate a Redis connection"));
  if (connection->err) return tl::unexpected("cannot connect to Redis: " + std::string(connection->errstr));
  redisSetTimeout(connection.get(), timeout);
  if (!address.password.empty()) {
    auto reply = command(connection.get(), {"AUTH", address.password});
    if (!reply || reply->type == REDIS_REPLY_ERROR) return tl::unexpected(std::string("Redis refused the password"));
  }
  if (address.database != 0) {
    auto reply = command(connection.get(), {"SELECT", std::to_string(address.database)});
    if (!reply || reply->type == REDIS_REPLY_ERROR) return tl::unexpected(std::string("Redis refused SELECT"));
  }
  return connection;
}

tl::expected<Reply, std::string> Pool::run(const std::vector<std::string>& args) {
  Connection connection;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!connection) {
    auto made = connect(address_, timeout_);
    if (!made) return tl::unexpected(made.error());
    connection = std::move(*made);
  }
  auto reply = command(connection.get(), args);
  if (!reply) return tl::unexpected("Redis connection lost: " + std::string(connection->errstr));  // dropped
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
  return reply;
}

}  // namespace switchboard::redis
