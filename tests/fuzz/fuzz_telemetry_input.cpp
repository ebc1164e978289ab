// Telemetry input from clients: W3C traceparent/tracestate headers and the query of
// GET /internal/logs, plus the log text that query reads back. The first byte picks which.
// Invariants: an accepted trace round-trips; a context always has a valid traceparent; an
// accepted log query is within its bounds; reading never returns more than the limit.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <switchboard/trace_context.hpp>

#include "observability/log_reader.hpp"

namespace {

std::pair<std::string_view, std::string_view> split(std::string_view text, char separator) {
  const auto at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

void trace(std::string_view input) {
  const auto [parent, state] = split(input, '\n');
  if (auto parsed = switchboard::parse_traceparent(parent)) {
    if (parsed->trace_id.size() != 32 || parsed->parent_id.size() != 16) __builtin_trap();
  }
  const auto context = switchboard::accept_or_start_trace(std::string(parent), std::string(state));
  const auto again = switchboard::parse_traceparent(context.traceparent());
  if (!again || again->trace_id != context.trace_id || again->parent_id != context.span_id) __builtin_trap();
  if (context.tracestate.size() > 512) __builtin_trap();
}

void log_query(std::string_view input) {
  std::map<std::string, std::string> parameters;
  while (!input.empty()) {
    auto [line, rest] = split(input, '\n');
    auto [name, value] = split(line, '=');
    parameters[std::string(name)] = std::string(value);
    input = rest;
  }
  auto query = switchboard::parse_log_query(parameters, std::chrono::system_clock::time_point{});
  if (!query) return;
  if (query->limit < 1 || query->limit > switchboard::kMaxLogLimit) __builtin_trap();
  if (!query->since.empty() && query->since.size() != 24) __builtin_trap();
}

void log_text(std::string_view input) {
  switchboard::LogQuery query;
  query.min_level = 2;
  query.since = "2026-01-01T00:00:00.000Z";
  query.limit = 5;
  switchboard::LogPage page;
  switchboard::collect_log_lines(input, query, page);
  if (page.lines.size() > query.limit) __builtin_trap();
  for (const auto& line : page.lines) {
    if (!line.is_object()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      trace(input);
      break;
    case 1:
      log_query(input);
      break;
    default:
      log_text(input);
  }
  return 0;
}
