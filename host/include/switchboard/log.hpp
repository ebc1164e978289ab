#pragma once
// Structured JSON log lines through spdlog: one logger per component, each line carrying
// the request id and transaction GUID of the request the thread is serving. Secrets are
// masked before a line is written.

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include <switchboard/plugin/host_services.hpp>  // LogLevel

namespace switchboard {

struct LoggingConfig;
using plugin::LogLevel;

namespace logging {

// Sets up the console sink and, when configured, a rotating file sink. Call once.
void init(const LoggingConfig& config);
// Flushes and drops every logger (call before exit).
void shutdown();
// Writes out what the loggers hold (lines below warn wait in a buffer), e.g. before the log
// file is read back.
void flush();
bool parse_level(std::string_view text, LogLevel& out);

// The request a thread is serving, for log lines (set by the request scope).
struct Context {
  std::string request_id;
  std::string transaction_guid;
  std::string trace_id = {};  // W3C trace id, when the request has one
};
const Context& current_context();
class ScopedContext {
 public:
  explicit ScopedContext(Context context);
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  Context previous_;
};

}  // namespace logging

// "2026-11-23T06:00:00.123Z": how log lines (and what reads them back) write a time.
std::string format_log_time(std::chrono::system_clock::time_point when);

// "sk-a…9f2c": enough to recognise a secret, never enough to use it.
std::string mask_secret(std::string_view secret);
// Masks key-like tokens (sk-…, sk_…, Bearer …) inside free text.
std::string mask_secrets_in_text(std::string_view text);

class Logger final : public plugin::Logger {
 public:
  explicit Logger(std::string component);
  void log(LogLevel level, std::string_view message, const nlohmann::json& fields) override;
  bool enabled(LogLevel level) const;

 private:
  std::string component_;
};

}  // namespace switchboard
