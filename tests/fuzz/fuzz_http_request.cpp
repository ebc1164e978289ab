// Raw request bytes through Pistache's request parser, as a reactor thread feeds them, with
// Switchboard's header registry changes applied (pistache_headers.hpp). The bytes are fed
// whole and then again split in two, since a request often arrives in more than one read.
// Pistache reports a malformed request by throwing, which its transport answers; the
// invariant is memory safety (ASan) and that Cache-Control stays raw. Run it with ASan's
// default string checks: under strict_string_checks, Pistache's chunk-size strtol is flagged
// too, though it only runs once the line's CRLF is in the buffer, which ends the number.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include <pistache/http.h>

#include "pistache_headers.hpp"

namespace {

using namespace Pistache;

void parse(const std::string& text, std::size_t split) {
  Http::RequestParser parser(8 * 1024);
  try {
    if (!parser.feed(text.data(), split)) return;
    auto state = parser.parse();
    if (state == Http::Private::State::Done) return;
    if (!parser.feed(text.data() + split, text.size() - split)) return;
    state = parser.parse();
    if (state == Http::Private::State::Done && parser.request.headers().has("Cache-Control")) __builtin_trap();
  } catch (const std::exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool prepared = (switchboard::keep_cache_control_raw(), true);
  (void)prepared;
  const std::string text(reinterpret_cast<const char*>(data), size);
  parse(text, size);
  parse(text, size / 2);
  return 0;
}
