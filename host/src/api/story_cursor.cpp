#include "story_cursor.hpp"

#include <charconv>

#include <switchboard/storage/database.hpp>

namespace switchboard {

std::string story_cursor_text(const storage::Story& last) { return last.created_at + "~" + std::to_string(last.id); }

std::optional<storage::StoryCursor> parse_story_cursor(std::string_view text) {
  const auto tilde = text.find('~');
  if (tilde == std::string_view::npos) return std::nullopt;
  storage::StoryCursor cursor;
  cursor.created_at = std::string(text.substr(0, tilde));
  // Only a time written back exactly as the store writes it: no 30 February, no signs or
  // spaces, and a year parse_utc takes (1970–2261).
  const auto when = storage::parse_utc(cursor.created_at);
  if (!when || storage::utc_text(*when) != cursor.created_at) return std::nullopt;
  const auto id = text.substr(tilde + 1);
  if (id.empty() || id.front() < '1' || id.front() > '9') return std::nullopt;
  const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), cursor.id);
  if (error != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return cursor;
}

}  // namespace switchboard
