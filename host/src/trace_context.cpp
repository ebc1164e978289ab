#include <switchboard/trace_context.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "digest.hpp"

namespace switchboard {
namespace {

constexpr std::size_t kMaxTracestate = 512;  // the spec lets a vendor drop longer ones

bool lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

std::string random_hex(std::size_t bytes) {
  unsigned char raw[16];
  std::string hex;
  do {
    if (RAND_bytes(raw, static_cast<int>(bytes)) != 1) throw std::runtime_error("no random bytes for a trace id");
    hex = hex_of(raw, bytes);
  } while (all_zero(hex));  // all zeros is invalid (and all but never drawn)
  return hex;
}

// Header text only: printable ASCII, as the spec's list members are.
bool printable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

}  // namespace

std::string TraceContext::traceparent() const { return "00-" + trace_id + "-" + span_id + "-" + flags; }

std::vector<std::pair<std::string, std::string>> TraceContext::upstream_headers() const {
  std::vector<std::pair<std::string, std::string>> headers;
  if (trace_id.empty()) return headers;
  headers.emplace_back("traceparent", traceparent());
  if (!tracestate.empty()) headers.emplace_back("tracestate", tracestate);
  return headers;
}

std::optional<ParsedTraceparent> parse_traceparent(std::string_view header) {
  // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55 characters.
  if (header.size() < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  const auto version = header.substr(0, 2);
  const auto trace_id = header.substr(3, 32);
  const auto parent_id = header.substr(36, 16);
  const auto flags = header.substr(53, 2);
  if (!lower_hex(version) || version == "ff" || !lower_hex(trace_id) || !lower_hex(parent_id) || !lower_hex(flags))
    return std::nullopt;
  if (all_zero(trace_id) || all_zero(parent_id)) return std::nullopt;
  // Version 00 is exactly 55 characters; a later version may append fields after a '-'.
  if (header.size() > 55 && (version == "00" || header[55] != '-')) return std::nullopt;
  return ParsedTraceparent{std::string(trace_id), std::string(parent_id), std::string(flags)};
}

TraceContext accept_or_start_trace(const std::optional<std::string>& traceparent,
                                   const std::optional<std::string>& tracestate) {
  TraceContext trace;
  trace.span_id = random_hex(8);
  if (auto parsed = traceparent ? parse_traceparent(*traceparent) : std::nullopt) {
    trace.trace_id = std::move(parsed->trace_id);
    trace.parent_id = std::move(parsed->parent_id);
    // Only the sampled bit is defined; others are passed as zero (spec: version 00 flags).
    trace.flags = (std::stoi(parsed->flags, nullptr, 16) & 1) ? "01" : "00";
    if (tracestate && tracestate->size() <= kMaxTracestate && printable(*tracestate)) trace.tracestate = *tracestate;
    return trace;
  }
  trace.trace_id = random_hex(16);
  return trace;
}

}  // namespace switchboard
