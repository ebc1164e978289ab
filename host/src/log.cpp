#include <switchboard/log.hpp>

#include <chrono>
#include <mutex>
#include <vector>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <switchboard/config.hpp>

namespace switchboard {
namespace {

std::mutex sinks_mutex;
std::vector<spdlog::sink_ptr> sinks;
LogLevel minimum_level = LogLevel::info;
thread_local logging::Context thread_context;

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

std::shared_ptr<spdlog::logger> component_logger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  std::lock_guard lock(sinks_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  if (sinks.empty()) sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
  logger->set_pattern("%v");  // the line is already JSON
  logger->set_level(to_spdlog(minimum_level));
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

bool secret_key_name(std::string_view key) {
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"key", "token", "secret", "password", "authorization"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

void mask_fields(nlohmann::json& fields) {
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      if (it->is_string() && secret_key_name(it.key()))
        *it = mask_secret(it->get<std::string>());
      else if (it->is_string())
        *it = mask_secrets_in_text(it->get<std::string>());
      else
        mask_fields(*it);
    }
  } else if (fields.is_array()) {
    for (auto& item : fields) mask_fields(item);
  }
}

bool token_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }

}  // namespace

namespace logging {

bool parse_level(std::string_view text, LogLevel& out) {
  static const std::pair<const char*, LogLevel> levels[] = {{"trace", LogLevel::trace},
                                                            {"debug", LogLevel::debug},
                                                            {"info", LogLevel::info},
                                                            {"warn", LogLevel::warn},
                                                            {"error", LogLevel::error}};
  for (const auto& [name, level] : levels) {
    if (text == name) {
      out = level;
      return true;
    }
  }
  return false;
}

void init(const LoggingConfig& config) {
  std::lock_guard lock(sinks_mutex);
  parse_level(config.level, minimum_level);
  sinks.clear();
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (!config.file.empty()) {
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(config.file, config.max_file_bytes,
                                                                           static_cast<std::size_t>(config.max_files)));
  }
  spdlog::drop_all();
}

void shutdown() {
  spdlog::shutdown();
  std::lock_guard lock(sinks_mutex);
  sinks.clear();
}

void flush() {
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& logger) { logger->flush(); });
}

const Context& current_context() { return thread_context; }

ScopedContext::ScopedContext(Context context) : previous_(std::move(thread_context)) {
  thread_context = std::move(context);
}
ScopedContext::~ScopedContext() { thread_context = std::move(previous_); }

}  // namespace logging

std::string format_log_time(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(when.time_since_epoch()).count() % 1000;
  const std::time_t seconds = system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(ms));
  return text;
}

std::string mask_secret(std::string_view secret) {
  if (secret.size() < 12) return "***";
  return std::string(secret.substr(0, 4)) + "…" + std::string(secret.substr(secret.size() - 4));
}

std::string mask_secrets_in_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = std::string::npos;
    std::size_t keep = 0;  // characters of the marker itself that stay visible
    // A key starts a word: "task-runner" is not one, "key=sk-…" and "x-sk-…" are.
    if ((text.compare(i, 3, "sk-") == 0 || text.compare(i, 3, "sk_") == 0) &&
        (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
      start = i;
    } else if (text.compare(i, 7, "Bearer ") == 0) {
      start = i + 7;
      keep = 7;
    }
    if (start == std::string::npos) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t end = start;
    while (end < text.size() && token_char(text[end])) ++end;
    if (end - start < 8) {  // too short to be a credential
      out.append(text.substr(i, end - i));
      i = end;
      continue;
    }
    out.append(text.substr(i, keep));
    out.append(mask_secret(text.substr(start, end - start)));
    i = end;
  }
  return out;
}

Logger::Logger(std::string component) : component_(std::move(component)) {}

bool Logger::enabled(LogLevel level) const { return level >= minimum_level; }

void Logger::log(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  nlohmann::json line = {{"timestamp", format_log_time(std::chrono::system_clock::now())},
                         {"level", level_name(level)},
                         {"logger", component_},
                         {"message", mask_secrets_in_text(message)}};
  const auto& context = logging::current_context();
  if (!context.request_id.empty()) line["request_id"] = context.request_id;
  if (!context.transaction_guid.empty()) line["transaction_guid"] = context.transaction_guid;
  if (!context.trace_id.empty()) line["trace_id"] = context.trace_id;
  if (fields.is_object()) {
    nlohmann::json masked = fields;
    mask_fields(masked);
    for (auto it = masked.begin(); it != masked.end(); ++it) {
      if (!line.contains(it.key())) line[it.key()] = std::move(*it);
    }
  }
  component_logger(component_)
      ->log(to_spdlog(level), "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace switchboard
