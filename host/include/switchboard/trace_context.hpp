#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): a request's `traceparent` is
// accepted when well formed, else a new trace starts; the request gets a span id of its own,
// which upstream calls carry as their parent. `tracestate` is passed on unchanged.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard {

struct TraceContext {
  std::string trace_id;   // 32 lower-case hex digits
  std::string span_id;    // 16 hex digits: this request's span
  std::string parent_id;  // the caller's span; empty when this request started the trace
  std::string flags = "01";
  std::string tracestate;  // as received (only with a valid traceparent), at most 512 bytes

  // "00-<trace_id>-<span_id>-<flags>": what an upstream call sends.
  std::string traceparent() const;
  // The headers an upstream call carries: traceparent, and tracestate when there is one;
  // none for a context that was never started (work outside a request).
  std::vector<std::pair<std::string, std::string>> upstream_headers() const;
};

struct ParsedTraceparent {
  std::string trace_id;
  std::string parent_id;
  std::string flags;
};
// Null when `header` is not a traceparent this version of the spec accepts.
std::optional<ParsedTraceparent> parse_traceparent(std::string_view header);

TraceContext accept_or_start_trace(const std::optional<std::string>& traceparent,
                                   const std::optional<std::string>& tracestate);

}  // namespace switchboard
