#pragma once
// The `before` cursor of GET /api/stories: `<created_at>~<id>` of the last story of a page
// (the answer's `next_cursor`), so the next page starts after it without walking an OFFSET.

#include <optional>
#include <string>
#include <string_view>

#include <switchboard/storage/stories.hpp>

namespace switchboard {

std::string story_cursor_text(const storage::Story& last);
// The cursor `text` names, or nothing unless it is one story_cursor_text could have written
// (a real UTC time the store can hold, a positive id).
std::optional<storage::StoryCursor> parse_story_cursor(std::string_view text);

}  // namespace switchboard
