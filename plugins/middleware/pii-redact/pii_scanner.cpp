#include "pii_scanner.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <utility>

#include <re2/re2.h>

namespace pii {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_word(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

std::string digits_of(std::string_view text) {
  std::string digits;
  for (const char c : text)
    if (is_digit(c)) digits += c;
  return digits;
}

// A rule's check sees what its pattern matched and gives the length of the finding at its start:
// the whole match, a shorter prefix of it, or 0 for none.
using Check = std::size_t (*)(std::string_view candidate);

std::size_t whole(std::string_view candidate) { return candidate.size(); }

std::size_t credit_card(std::string_view candidate) {
  const auto digits = digits_of(candidate);
  return digits.size() >= 13 && digits.size() <= 19 && luhn_valid(digits) ? candidate.size() : 0;
}

// ddd-dd-dddd; no SSN has area 000, 666 or 9xx, group 00 or serial 0000.
std::size_t ssn(std::string_view candidate) {
  const auto area = candidate.substr(0, 3), group = candidate.substr(4, 2), serial = candidate.substr(7, 4);
  if (area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000") return 0;
  return candidate.size();
}

// A bare run of ten digits is more often an order number or a Unix time than a phone number, so
// a North American number needs a separator, a bracket or a leading '+'.
std::size_t north_american_phone(std::string_view candidate) {
  return std::all_of(candidate.begin(), candidate.end(), is_digit) ? 0 : candidate.size();
}

// "+44 20 7946 0958": 8 to 15 digits with the country code. The groups after the country code
// have two digits or more but one ("+33 1 23 45 67 89"), so "+1 2 3 4 5 6 7 8" is arithmetic,
// not a number; groups beyond what fits (a year after the number) are left out.
std::size_t international_phone(std::string_view candidate) {
  std::size_t digits = 0, short_groups = 0, accepted = 0;
  for (std::size_t begin = 1; begin < candidate.size();) {  // after the '+'
    std::size_t end = begin;
    while (end < candidate.size() && is_digit(candidate[end])) ++end;
    if (begin > 1 && end - begin < 2 && ++short_groups > 1) break;
    digits += end - begin;
    if (digits > 15) break;
    if (digits >= 8) accepted = end;
    begin = end + 1;  // past the separator
  }
  return accepted;
}

// 0 to 255, written without leading zeros ("010" reads as octal to some tools, 10 to others).
bool octet(std::string_view text) {
  if (text.empty() || text.size() > 3 || !std::all_of(text.begin(), text.end(), is_digit)) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  return std::stoi(std::string(text)) <= 255;
}

bool ipv4_valid(std::string_view text) {
  for (int part = 0; part < 4; ++part) {
    const auto dot = part < 3 ? text.find('.') : text.size();
    if (dot == std::string_view::npos || !octet(text.substr(0, dot))) return false;
    text.remove_prefix(std::min(text.size(), dot + 1));
  }
  return true;
}

std::size_t ipv4(std::string_view candidate) { return ipv4_valid(candidate) ? candidate.size() : 0; }

// Groups of 1 to 4 hex digits: eight of them, or fewer around one "::"; the last two may be
// written as an IPv4 address. Without a digit it is rather a name ("A::B", "add::") than an
// address; a single colon after it is punctuation ("fe80::1: the router").
std::size_t ipv6(std::string_view candidate) {
  auto text = candidate;
  if (text.ends_with(':') && !text.ends_with("::")) text.remove_suffix(1);
  if (std::none_of(text.begin(), text.end(), is_digit)) return 0;
  int groups = 0;
  bool compressed = false;
  std::size_t at = 0;
  if (text.starts_with("::")) {
    compressed = true;
    at = 2;
  }
  while (at < text.size()) {
    const auto colon = std::min(text.find(':', at), text.size());
    const auto group = text.substr(at, colon - at);
    if (group.find('.') != std::string_view::npos) {
      if (colon != text.size() || !ipv4_valid(group)) return 0;
      groups += 2;
    } else {
      if (group.empty() || group.size() > 4 || !std::all_of(group.begin(), group.end(), is_hex)) return 0;
      ++groups;
    }
    if (colon == text.size()) break;
    at = colon + 1;
    if (at < text.size() && text[at] == ':') {
      if (compressed) return 0;
      compressed = true;
      ++at;
    } else if (at == text.size()) {
      return 0;
    }
  }
  return (compressed ? groups <= 7 : groups == 8) ? text.size() : 0;
}

struct Rule {
  Kind kind;
  const char* pattern;
  Check check;
  // Characters that join numbers into a longer one: a finding next to one of them with a digit
  // on its other side is a piece of something else ("1.2.3.4" of "1.2.3.4.5", a card number of
  // a longer run of groups such as an IBAN).
  std::string_view joiners;
  // Whether a rejected match may hide a finding that starts inside it: a number may have
  // started too early (the "1" ending "10.0.0.1" read as the country code of "1 555-123-4567"),
  // while the pieces of a rejected address are no addresses ("1::2::3" holds no "2::3").
  bool retry_inside;
};

// Patterns are ASCII and run in Latin-1 mode, where every byte is one character: any input,
// valid UTF-8 or not, is text to them. Word boundaries and joiners are checked in C++ (below)
// where a pattern can start with '(' or '+', which \b cannot express.
constexpr Rule kRules[] = {
    {Kind::email, R"([A-Za-z0-9_][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})", whole, "", false},
    {Kind::phone, R"((?:(?:\+1[-. ]?|\b1[-. ])(?:\(\d{3}\)|\d{3})|\(\d{3}\)|\b\d{3})[-. ]?\d{3}[-. ]?\d{4}\b)",
     north_american_phone, "-.", true},
    {Kind::phone, R"(\+[1-9]\d{0,3}(?:[-. ]\d{1,8}){1,6}\b|\+[1-9]\d{7,14}\b)", international_phone, "-.", true},
    {Kind::ssn, R"(\b\d{3}-\d{2}-\d{4}\b)", ssn, "-.", true},
    // Written in groups, a card number is a whole run of groups: a space next to it joins too.
    {Kind::credit_card, R"(\b\d{13,19}\b)", credit_card, "-.", true},
    {Kind::credit_card, R"(\b\d{3,6}(?:[ -]\d{3,6}){1,5}\b)", credit_card, " -.", true},
    {Kind::ip_address, R"(\b\d{1,3}(?:\.\d{1,3}){3}\b)", ipv4, ".", true},
    {Kind::ip_address, R"([0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(?:\d{1,3}(?:\.\d{1,3}){3})?)", ipv6, ".", false},
};
constexpr std::size_t kRuleCount = std::size(kRules);

// RE2 objects are safe to match from many threads at once; compiled on first use.
const std::array<std::unique_ptr<RE2>, kRuleCount>& compiled_rules() {
  static const auto compiled = [] {
    std::array<std::unique_ptr<RE2>, kRuleCount> patterns;
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);
    options.set_longest_match(true);  // "user@mail.example.com", not "user@mail.ex"
    options.set_log_errors(false);
    for (std::size_t i = 0; i < kRuleCount; ++i) {
      patterns[i] = std::make_unique<RE2>(kRules[i].pattern, options);
      if (!patterns[i]->ok()) throw std::logic_error("pii pattern: " + patterns[i]->error());
    }
    return patterns;
  }();
  return compiled;
}

bool stands_alone(std::string_view text, std::size_t begin, std::size_t end, std::string_view joiners) {
  const auto joins = [&](char c) { return joiners.find(c) != std::string_view::npos; };
  if (begin > 0) {
    const char before = text[begin - 1];
    if (is_word(before) || (joins(before) && begin > 1 && is_digit(text[begin - 2]))) return false;
  }
  if (end < text.size()) {
    const char after = text[end];
    if (is_word(after) || (joins(after) && end + 1 < text.size() && is_digit(text[end + 1]))) return false;
  }
  return true;
}

// At the same span, the kind with the stricter check wins: a card number passed Luhn.
int precedence(Kind kind) {
  switch (kind) {
    case Kind::credit_card:
      return 0;
    case Kind::ssn:
      return 1;
    case Kind::phone:
      return 2;
    case Kind::ip_address:
      return 3;
    case Kind::email:
      return 4;
  }
  return 5;
}

// Whether `fragment` ("[", "[EMA", "[EMAIL_1", …) could still grow into a placeholder.
bool could_become_placeholder(std::string_view fragment) {
  const auto inside = fragment.substr(1);
  for (const Kind kind : kAllKinds) {
    const std::string stem = std::string(label(kind)) + "_";
    if (stem.starts_with(inside)) return true;
    if (inside.starts_with(stem) && std::all_of(inside.begin() + stem.size(), inside.end(), is_digit)) return true;
  }
  return false;
}

}  // namespace

const char* label(Kind kind) {
  switch (kind) {
    case Kind::email:
      return "EMAIL";
    case Kind::phone:
      return "PHONE";
    case Kind::ssn:
      return "SSN";
    case Kind::credit_card:
      return "CREDIT_CARD";
    case Kind::ip_address:
      return "IP_ADDRESS";
  }
  return "PII";
}

const char* name(Kind kind) {
  switch (kind) {
    case Kind::email:
      return "email";
    case Kind::phone:
      return "phone";
    case Kind::ssn:
      return "ssn";
    case Kind::credit_card:
      return "credit_card";
    case Kind::ip_address:
      return "ip_address";
  }
  return "pii";
}

std::optional<Kind> kind_from_name(std::string_view wanted) {
  for (const Kind kind : kAllKinds)
    if (wanted == name(kind)) return kind;
  return std::nullopt;
}

bool luhn_valid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool doubled = false;  // every second digit from the right
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) return false;
    int digit = *it - '0';
    if (doubled) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

std::vector<Finding> scan(std::string_view text) {
  std::vector<Finding> candidates;
  const re2::StringPiece input(text.data(), text.size());
  const auto& patterns = compiled_rules();
  for (std::size_t i = 0; i < kRuleCount; ++i) {
    re2::StringPiece match;
    for (std::size_t from = 0;
         from < text.size() && patterns[i]->Match(input, from, text.size(), RE2::UNANCHORED, &match, 1);) {
      const auto begin = static_cast<std::size_t>(match.data() - text.data());
      const auto length = kRules[i].check(text.substr(begin, match.size()));
      const bool accepted = length > 0 && stands_alone(text, begin, begin + length, kRules[i].joiners);
      if (accepted) candidates.push_back({kRules[i].kind, begin, length});
      // Number patterns match at most 59 bytes, so retrying from the byte after a rejected one
      // still looks at every byte a bounded number of times, whatever the text.
      from = !accepted && kRules[i].retry_inside ? begin + 1 : begin + std::max<std::size_t>(match.size(), 1);
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Finding& a, const Finding& b) {
    if (a.offset != b.offset) return a.offset < b.offset;
    if (a.length != b.length) return a.length > b.length;
    return precedence(a.kind) < precedence(b.kind);
  });
  std::vector<Finding> findings;
  for (const auto& candidate : candidates) {
    if (findings.empty() || candidate.offset >= findings.back().offset + findings.back().length)
      findings.push_back(candidate);
  }
  return findings;
}

std::string Redactor::redact(std::string_view text) {
  std::string redacted;
  std::size_t copied = 0;
  for (const auto& finding : scan(text)) {
    if (!kinds_.contains(finding.kind)) continue;
    redacted.append(text.substr(copied, finding.offset - copied));
    redacted += placeholder(finding.kind, text.substr(finding.offset, finding.length));
    copied = finding.offset + finding.length;
  }
  redacted.append(text.substr(copied));
  return redacted;
}

const std::string& Redactor::placeholder(Kind kind, std::string_view value) {
  auto [slot, added] = placeholders_.try_emplace({kind, std::string(value)});
  if (added) {
    slot->second = "[" + std::string(label(kind)) + "_" + std::to_string(++counts_[kind]) + "]";
    values_.emplace(slot->second, value);
    longest_placeholder_ = std::max(longest_placeholder_, slot->second.size());
  }
  return slot->second;
}

std::string Redactor::restore(std::string_view text) const {
  if (values_.empty()) return std::string(text);
  std::string restored;
  std::size_t copied = 0;
  for (auto open = text.find('['); open != std::string_view::npos; open = text.find('[', open + 1)) {
    // A placeholder holds no bracket: the next bracket either closes it or rules it out.
    const auto close = text.find_first_of("[]", open + 1);
    if (close == std::string_view::npos) break;
    if (text[close] != ']' || close - open + 1 > longest_placeholder_) continue;
    const auto value = values_.find(text.substr(open, close - open + 1));
    if (value == values_.end()) continue;
    restored.append(text.substr(copied, open - copied));
    restored += value->second;
    copied = close + 1;
    open = close;
  }
  restored.append(text.substr(copied));
  return restored;
}

std::string StreamRestorer::feed(std::string_view chunk) {
  held_.append(chunk);
  // Only the last '[' can open an unfinished placeholder: a placeholder holds no other.
  auto release = held_.rfind('[');
  if (release == std::string::npos || held_.size() - release >= redactor_.longest_placeholder_ ||
      !could_become_placeholder(std::string_view(held_).substr(release)))
    release = held_.size();
  auto restored = redactor_.restore(std::string_view(held_).substr(0, release));
  held_.erase(0, release);
  return restored;
}

std::string StreamRestorer::finish() { return std::exchange(held_, {}); }

}  // namespace pii
