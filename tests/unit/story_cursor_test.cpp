// The `before` cursor of GET /api/stories: what a page writes reads back as the same story;
// anything else is refused, including times the store could not hold.
#include <gtest/gtest.h>

#include "api/story_cursor.hpp"

namespace switchboard {
namespace {

TEST(StoryCursor, ReadsBackWhatAPageWrote) {
  storage::Story last;
  last.created_at = "2026-11-23T21:04:05.000123Z";
  last.id = 4211;
  const auto text = story_cursor_text(last);
  EXPECT_EQ(text, "2026-11-23T21:04:05.000123Z~4211");
  const auto cursor = parse_story_cursor(text);
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->created_at, last.created_at);
  EXPECT_EQ(cursor->id, 4211);
  EXPECT_TRUE(parse_story_cursor("1970-01-01T00:00:00.000000Z~9223372036854775807"));
  EXPECT_TRUE(parse_story_cursor("2261-12-31T23:59:59.999999Z~1"));
}

TEST(StoryCursor, RefusesAnythingElse) {
  for (const char* text : {"",
                           "~",
                           "~1",
                           "abc",
                           "2026-11-23T21:04:05.000123Z",
                           "2026-11-23T21:04:05.000123Z~",
                           "2026-11-23T21:04:05.000123Z~0",
                           "2026-11-23T21:04:05.000123Z~-4",
                           "2026-11-23T21:04:05.000123Z~+4",
                           "2026-11-23T21:04:05.000123Z~4x",
                           "2026-11-23T21:04:05.000123Z~4~5",
                           "2026-11-23T21:04:05.000123Z~9223372036854775808",
                           "2026-02-29T00:00:00.000000Z~1",
                           "2026-13-01T00:00:00.000000Z~1",
                           "2026-11-23T24:00:00.000000Z~1",
                           "2026-11-23T21:04:05Z~1",
                           "2026-11-23 21:04:05.000123Z~1",
                           " 2026-11-23T21:04:05.000123Z~1",
                           "1969-12-31T23:59:59.000000Z~1",
                           "0000-01-01T00:00:00.000000Z~1",
                           "2262-01-01T00:00:00.000000Z~1",
                           "9999-12-31T23:59:59.999999Z~1"}) {
    EXPECT_FALSE(parse_story_cursor(text)) << text;
  }
}

}  // namespace
}  // namespace switchboard
