#pragma once
/// @file
/// Incremental parsers for streamed LLM responses: Server-Sent Events and NDJSON. Part of
/// the plugin SDK (a static library plugins may link), not of the versioned contract.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <switchboard/plugin/provider.hpp>  // StreamEvent

namespace switchboard::sdk {

/// Receives each complete event.
using EventSink = std::function<void(plugin::StreamEvent&& event)>;

/// Server-Sent Events (the WHATWG event-stream format): `event:` and `data:` fields,
/// multi-line data joined with '\n', comments, CR/LF/CRLF line ends, split anywhere.
class SseParser {
 public:
  /// @param max_event_bytes an event larger than this is an error (a broken upstream)
  explicit SseParser(std::size_t max_event_bytes = 4 * 1024 * 1024) : max_event_bytes_(max_event_bytes) {}
  /// Feeds the next bytes; calls `sink` for every event completed by them.
  /// @return false when an event or line grew beyond the limit (the parser is then spent)
  bool feed(std::string_view bytes, const EventSink& sink);
  /// Dispatches a last event that the stream ended without a blank line after.
  void finish(const EventSink& sink);

 private:
  void line(std::string_view text, const EventSink& sink);
  std::size_t max_event_bytes_;
  std::string pending_;  // an incomplete line
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  bool skip_lf_ = false;  // the previous chunk ended in CR
  bool failed_ = false;
};

/// Newline-delimited JSON: each non-empty line is one event (`data` = the line).
class NdjsonParser {
 public:
  explicit NdjsonParser(std::size_t max_line_bytes = 4 * 1024 * 1024) : max_line_bytes_(max_line_bytes) {}
  bool feed(std::string_view bytes, const EventSink& sink);
  void finish(const EventSink& sink);

 private:
  std::size_t max_line_bytes_;
  std::string pending_;
  bool failed_ = false;
};

}  // namespace switchboard::sdk
