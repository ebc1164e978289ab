// Prompts and answers carry any bytes. The scanner's findings lie inside the text, in order and
// apart, and a card number among them passes Luhn; a redacted text without brackets of its own
// restores to itself; and an answer streamed in chunks cut anywhere (where the input's bytes
// say) restores exactly as restoring it whole does.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "../../plugins/middleware/pii-redact/pii_scanner.hpp"

namespace {

std::string streamed(const pii::Redactor& redactor, std::string_view answer, const std::uint8_t* data,
                     std::size_t size) {
  pii::StreamRestorer stream(redactor);
  std::string out;
  for (std::size_t i = 0, at = 0; at < answer.size(); ++i) {
    const std::uint8_t byte = data[i % size];
    if (byte % 16 == 0) out += stream.feed({});
    const std::size_t length = 1 + byte % 13;
    out += stream.feed(answer.substr(at, length));
    at += length;
  }
  return out + stream.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t end = 0;
  for (const auto& finding : pii::scan(text)) {
    if (finding.length == 0 || finding.offset < end || finding.length > text.size() - finding.offset) __builtin_trap();
    end = finding.offset + finding.length;
    if (finding.kind == pii::Kind::credit_card) {
      std::string digits;
      for (const char c : text.substr(finding.offset, finding.length))
        if (c >= '0' && c <= '9') digits += c;
      if (!pii::luhn_valid(digits)) __builtin_trap();
    }
  }

  std::set<pii::Kind> kinds;  // which kinds: the bits of the first byte
  for (const auto kind : pii::kAllKinds)
    if (data[0] & (1u << static_cast<int>(kind))) kinds.insert(kind);
  pii::Redactor redactor(kinds);
  const auto redacted = redactor.redact(text);
  if (text.find('[') == std::string_view::npos && redactor.restore(redacted) != text) __builtin_trap();
  for (const std::string_view answer : {std::string_view(redacted), text}) {
    if (streamed(redactor, answer, data, size) != redactor.restore(answer)) __builtin_trap();
  }
  return 0;
}
