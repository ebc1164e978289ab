#pragma once
// Finds personal data in text — email addresses, phone numbers, US social security numbers,
// payment card numbers and IP addresses — so that `pii-redact` can replace it by placeholders
// before a prompt leaves for a provider, and put the values back into the answer. Patterns run
// on RE2 (linear time, no backtracking, any bytes), and what a pattern cannot say is checked in
// C++ after it: the Luhn digit of a card, the reserved ranges of an SSN, the octets of an IPv4
// address, the groups of an IPv6 address, and that a number is not a piece of a longer one
// ("1.2.3.4.5" is not an address, "12345551234567890" holds no phone number).

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pii {

enum class Kind { email, phone, ssn, credit_card, ip_address };
inline const std::set<Kind> kAllKinds = {Kind::email, Kind::phone, Kind::ssn, Kind::credit_card, Kind::ip_address};

const char* label(Kind kind);  // "EMAIL", … : the stem of a placeholder
const char* name(Kind kind);   // "email", … : how configuration and the audit log name it
std::optional<Kind> kind_from_name(std::string_view name);

struct Finding {
  Kind kind;
  std::size_t offset;  // in bytes
  std::size_t length;
  bool operator==(const Finding&) const = default;
};

// Every finding in `text`, in order of offset, none overlapping another: of two that overlap the
// earlier wins; at the same offset the longer; at the same span a card before an SSN before a
// phone number.
std::vector<Finding> scan(std::string_view text);

// The Luhn check digit of a card number (`digits` holds only digits; anything else fails).
bool luhn_valid(std::string_view digits);

// Redacts the personal data of one LLM call. The same value always gets the same placeholder
// within a call ([EMAIL_1], [EMAIL_2], [PHONE_1], …), so a model can still tell two people
// apart, and `restore` puts the values back into what the model answers. A placeholder the
// caller wrote itself is indistinguishable from one this made: `restore` replaces both.
class Redactor {
 public:
  explicit Redactor(std::set<Kind> kinds = kAllKinds) : kinds_(std::move(kinds)) {}

  // `text` with the findings of the chosen kinds replaced by their placeholders.
  std::string redact(std::string_view text);
  // `text` with every placeholder this redactor handed out replaced by its value; anything
  // else that looks like a placeholder stays as it is.
  std::string restore(std::string_view text) const;
  // Distinct values redacted so far, per kind (kinds with none are absent).
  std::map<Kind, int> counts() const { return counts_; }
  bool empty() const { return values_.empty(); }

 private:
  friend class StreamRestorer;
  const std::string& placeholder(Kind kind, std::string_view value);

  std::set<Kind> kinds_;
  std::map<std::pair<Kind, std::string>, std::string> placeholders_;  // (kind, value) → placeholder
  std::map<std::string, std::string, std::less<>> values_;            // placeholder → value
  std::map<Kind, int> counts_;
  std::size_t longest_placeholder_ = 0;  // bounds how far `restore` and StreamRestorer look ahead
};

// Restores placeholders in a streamed answer whose chunks may split one ("[EMA" + "IL_1]"). It
// holds back a trailing fragment that could still become a placeholder — never more than the
// longest placeholder of `redactor` — and lets it go as soon as it cannot; the concatenated
// output equals `redactor.restore` of the concatenated input, however the input is cut.
class StreamRestorer {
 public:
  explicit StreamRestorer(const Redactor& redactor) : redactor_(redactor) {}
  std::string feed(std::string_view chunk);
  std::string finish();  // whatever was held back, as it was

 private:
  const Redactor& redactor_;
  std::string held_;
};

}  // namespace pii
