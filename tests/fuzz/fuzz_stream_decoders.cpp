// Upstream bytes: the SSE and NDJSON framing any provider's stream goes through. Any bytes,
// split anywhere, must give the same events as when fed whole, and never crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <switchboard/sdk/stream_parsers.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t split = data[0] % 16 + 1;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto run = [&](std::size_t piece) {
    switchboard::sdk::SseParser parser(1 << 16);
    std::vector<std::string> seen;
    auto sink = [&](switchboard::plugin::StreamEvent&& e) { seen.push_back(e.event + '\x01' + e.data); };
    bool ok = true;
    for (std::size_t i = 0; i < text.size() && ok; i += piece)
      ok = parser.feed(std::string_view(text).substr(i, piece), sink);
    if (ok) parser.finish(sink);
    return std::make_pair(ok, seen);
  };
  auto whole = run(text.size() + 1);
  auto pieces = run(split);
  if (whole.first && pieces.first && whole.second != pieces.second) __builtin_trap();

  switchboard::sdk::NdjsonParser ndjson(1 << 16);
  for (std::size_t i = 0; i < text.size(); i += split)
    ndjson.feed(std::string_view(text).substr(i, split), [](auto&&) {});
  return 0;
}
