#include "redis_windows.hpp"

#include <unistd.h>

namespace rate_limit {
namespace {

// KEYS: the windows. ARGV: now (ms), member, admit (1/0), then each key's limit and length (ms).
// Returns {admitted, count1, oldest1, count2, oldest2, …}, counts after the admission.
constexpr const char* kScript = R"lua(
local now = tonumber(ARGV[1])
local room = 1
local counts = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - tonumber(ARGV[3 + 2 * i]))
  counts[i] = redis.call('ZCARD', key)
  if counts[i] >= tonumber(ARGV[2 + 2 * i]) then room = 0 end
end
local admitted = 0
if room == 1 and ARGV[3] == '1' then
  admitted = 1
  for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[2])
    redis.call('PEXPIRE', key, ARGV[3 + 2 * i])
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

}  // namespace

RedisWindows::RedisWindows(switchboard::redis::Address address, std::chrono::seconds window, std::string key_prefix)
    : pool_(std::move(address)), window_(window), prefix_(std::move(key_prefix)) {}

tl::expected<std::vector<Decision>, std::string> RedisWindows::decide(const std::vector<WindowCheck>& windows,
                                                                      Clock::time_point now, bool admit) {
  std::uint64_t sequence = 0;
  {
    std::lock_guard lock(mutex_);
    sequence = ++sequence_;
  }
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  auto length_ms = [this](const WindowCheck& window) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(window.length.count() > 0 ? window.length : window_)
        .count();
  };
  std::vector<std::string> args = {"EVAL", kScript, std::to_string(windows.size())};
  for (const auto& window : windows) args.push_back(window.key);
  args.push_back(std::to_string(now_ms));
  // Distinct per admission across instances: time, process and sequence.
  args.push_back(std::to_string(now_ms) + ":" + std::to_string(::getpid()) + ":" + std::to_string(sequence));
  args.push_back(admit ? "1" : "0");
  for (const auto& window : windows) {
    args.push_back(std::to_string(window.limit));
    args.push_back(std::to_string(length_ms(window)));
  }
  auto answered = pool_.run(args);
  if (!answered) return tl::unexpected(answered.error());
  const auto& reply = *answered;
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 1 + 2 * windows.size()) {
    return tl::unexpected(std::string("unexpected answer from Redis") +
                          (reply->type == REDIS_REPLY_ERROR ? ": " + std::string(reply->str, reply->len) : ""));
  }
  const bool admitted = switchboard::redis::as_integer(reply->element[0]) == 1;
  std::vector<Decision> decisions;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const auto count = static_cast<int>(switchboard::redis::as_integer(reply->element[1 + 2 * i]));
    const auto oldest_ms = switchboard::redis::as_integer(reply->element[2 + 2 * i]);
    Decision decision;
    decision.limit = windows[i].limit;
    decision.allowed = admitted || count < windows[i].limit;  // refused: the full windows say so
    decision.remaining = std::max(0, windows[i].limit - count);
    decision.reset =
        std::chrono::ceil<std::chrono::seconds>(std::chrono::milliseconds(oldest_ms + length_ms(windows[i]) - now_ms));
    if (decision.reset.count() < 0) decision.reset = std::chrono::seconds(0);
    decisions.push_back(decision);
  }
  return decisions;
}

}  // namespace rate_limit
