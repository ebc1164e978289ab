// An upload to POST /api/context/upload: the first line is the Content-Type header, the rest
// the body, both as a client may send them. The boundary is read and the body split into
// parts as the route does; each part's bytes then go through the HTML text extractor (any
// bytes may arrive named page.html). Nothing may crash, hang or throw, and a split body
// holds no more bytes than it came with.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "html_text.hpp"
#include "multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view body = input.substr(newline + 1);
  const auto boundary = switchboard::multipart::form_data_boundary(input.substr(0, newline));
  if (!boundary) {
    if (boundary.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (boundary->empty() || boundary->size() > 70) __builtin_trap();
  const auto parts = switchboard::multipart::parse_form_data(body, *boundary);
  if (!parts) {
    if (parts.error().empty()) __builtin_trap();
    return 0;
  }
  std::size_t bytes = 0;
  const std::string delimiter = "\r\n--" + *boundary;
  for (const auto& part : *parts) {
    bytes += part.data.size() + part.name.size();
    if (part.data.find(delimiter) != std::string::npos) __builtin_trap();  // a part never spans a delimiter
    (void)switchboard::context_text::html_visible_text(part.data);
  }
  if (bytes > body.size()) __builtin_trap();
  return 0;
}
