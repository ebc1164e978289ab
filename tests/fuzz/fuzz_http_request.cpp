// Raw request bytes through the request parser Switchboard's reactor threads use (Pistache's,
// with the body step of pistache_request_parser.hpp and the header registry changes of
// pistache_headers.hpp). The bytes are fed whole and then again split in two, since a request
// often arrives in more than one read. Pistache reports a malformed request by throwing, which
// its transport answers. The invariants: memory safety (ASan), no hang (libFuzzer's -timeout;
// Pistache's own body step spun forever on a chunk split after its CR), Cache-Control stays
// raw, and a request read in two pieces has the body it has when read at once.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include <pistache/http.h>

#include "pistache_headers.hpp"
#include "pistache_request_parser.hpp"

namespace {

using namespace Pistache;

// The body of the request `text` holds, read as two pieces split at `split`; nothing when the
// parser wants more bytes or refuses them.
std::optional<std::string> parse(const std::string& text, std::size_t split) {
  const auto parser = switchboard::make_request_parser(8 * 1024, 4 * 1024);
  try {
    if (!parser->feed(text.data(), split)) return std::nullopt;
    auto state = parser->parse();
    if (state != Http::Private::State::Done) {
      if (!parser->feed(text.data() + split, text.size() - split)) return std::nullopt;
      state = parser->parse();
    }
    if (state != Http::Private::State::Done) return std::nullopt;
    if (parser->request.headers().has("Cache-Control")) __builtin_trap();
    return parser->request.body();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool prepared = (switchboard::keep_headers_raw(), true);
  (void)prepared;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto whole = parse(text, size);
  const auto in_two = parse(text, size / 2);
  if (whole && in_two && *whole != *in_two) __builtin_trap();
  return 0;
}
