#include <switchboard/sdk/stream_parsers.hpp>

namespace switchboard::sdk {

bool SseParser::feed(std::string_view bytes, const EventSink& sink) {
  if (failed_) return false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        start = i + 1;
        continue;
      }
    }
    if (c != '\n' && c != '\r') continue;
    if (pending_.empty()) {
      line(bytes.substr(start, i - start), sink);
    } else {
      pending_.append(bytes.substr(start, i - start));
      line(pending_, sink);
      pending_.clear();
    }
    skip_lf_ = c == '\r';
    start = i + 1;
  }
  pending_.append(bytes.substr(start));
  if (pending_.size() + data_.size() > max_event_bytes_) {
    failed_ = true;
    return false;
  }
  return true;
}

void SseParser::line(std::string_view text, const EventSink& sink) {
  if (text.empty()) {  // a blank line dispatches the event
    if (has_data_) sink(plugin::StreamEvent{std::move(event_), std::move(data_)});
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (text.front() == ':') return;  // a comment (keep-alive pings)
  const auto colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  }  // id and retry mean nothing to an LLM stream
}

void SseParser::finish(const EventSink& sink) {
  if (failed_) return;
  if (!pending_.empty()) {
    std::string last;
    last.swap(pending_);
    line(last, sink);
  }
  line({}, sink);
}

bool NdjsonParser::feed(std::string_view bytes, const EventSink& sink) {
  if (failed_) return false;
  std::size_t start = 0;
  for (std::size_t newline = bytes.find('\n'); newline != std::string_view::npos; newline = bytes.find('\n', start)) {
    pending_.append(bytes.substr(start, newline - start));
    if (!pending_.empty() && pending_.back() == '\r') pending_.pop_back();
    if (!pending_.empty()) sink(plugin::StreamEvent{"", std::move(pending_)});
    pending_.clear();
    start = newline + 1;
  }
  pending_.append(bytes.substr(start));
  if (pending_.size() > max_line_bytes_) {
    failed_ = true;
    return false;
  }
  return true;
}

void NdjsonParser::finish(const EventSink& sink) {
  if (!failed_ && !pending_.empty()) sink(plugin::StreamEvent{"", std::move(pending_)});
  pending_.clear();
}

}  // namespace switchboard::sdk
