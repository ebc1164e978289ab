#include "character_input.hpp"

#include <algorithm>
#include <cctype>

namespace switchboard {
namespace {

constexpr std::size_t kMaxCharacters = 100;

std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool lower_letter(char c) { return c >= 'a' && c <= 'z'; }

// An event-handler attribute: "on" and letters, not inside a word, then `=` (spaces allowed) —
// the seed's on\w+\s*= rule, scanned in one pass (std::regex recurses per character and
// overflows the stack on a long enough text).
bool has_event_handler(const std::string& lower) {
  for (std::size_t at = lower.find("on"); at != std::string::npos; at = lower.find("on", at + 1)) {
    if (at > 0 && lower_letter(lower[at - 1])) continue;
    std::size_t end = at + 2;
    while (end < lower.size() && lower_letter(lower[end])) ++end;
    if (end == at + 2) continue;
    while (end < lower.size() && std::isspace(static_cast<unsigned char>(lower[end]))) ++end;
    if (end < lower.size() && lower[end] == '=') return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> clean_character_text(const std::string& text, std::string& why) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.find("<script") != std::string::npos || lower.find("javascript:") != std::string::npos ||
      has_event_handler(lower)) {
    why = "must not contain scripts";
    return std::nullopt;
  }
  std::string out;
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      out.push_back(c);
    }
  }
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!out.empty() && space(out.back())) out.pop_back();
  out.erase(out.begin(), std::find_if_not(out.begin(), out.end(), space));
  if (out.empty()) {
    why = "must not be empty";
    return std::nullopt;
  }
  // Bytes bound it too: continuation bytes with no lead byte (not UTF-8) count as no character.
  if (code_points(out) > kMaxCharacters || out.size() > 4 * kMaxCharacters) {
    why = "must be at most 100 characters";
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> clean_character(const nlohmann::json& body, const char* field, nlohmann::json& details) {
  if (!body.contains(field) || !body[field].is_string()) {
    details.push_back({{"field", field}, {"message", "is required and must be text"}});
    return std::nullopt;
  }
  std::string why;
  auto cleaned = clean_character_text(body[field].get<std::string>(), why);
  if (!cleaned) details.push_back({{"field", field}, {"message", why}});
  return cleaned;
}

}  // namespace switchboard
