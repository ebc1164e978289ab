#include <switchboard/sdk/stream_parsers.hpp>

#include <gtest/gtest.h>

namespace switchboard::sdk {
namespace {

std::vector<plugin::StreamEvent> parse_in_pieces(const std::string& text, std::size_t piece) {
  SseParser parser;
  std::vector<plugin::StreamEvent> events;
  auto sink = [&](plugin::StreamEvent&& e) { events.push_back(std::move(e)); };
  for (std::size_t i = 0; i < text.size(); i += piece) EXPECT_TRUE(parser.feed(text.substr(i, piece), sink));
  parser.finish(sink);
  return events;
}

TEST(SseParser, SplitsEventsWhereverTheBytesBreak) {
  const std::string stream =
      ": keep-alive\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\ndata: "
      "[DONE]\r\r";
  for (std::size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    auto events = parse_in_pieces(stream, piece);
    ASSERT_EQ(events.size(), 3u) << "piece " << piece;
    EXPECT_EQ(events[0].event, "message_start");
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[1].event, "");
    EXPECT_EQ(events[1].data, "line one\nline two");
    EXPECT_EQ(events[2].data, "[DONE]");
  }
}

TEST(SseParser, DispatchesALastEventWithoutTheBlankLine) {
  auto events = parse_in_pieces("data: tail", 4);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "tail");
}

TEST(SseParser, RefusesAnEventBeyondTheLimit) {
  SseParser parser(64);
  std::vector<plugin::StreamEvent> events;
  EXPECT_FALSE(parser.feed("data: " + std::string(100, 'x'), [&](plugin::StreamEvent&& e) { events.push_back(e); }));
  EXPECT_FALSE(parser.feed("\n\n", [&](plugin::StreamEvent&& e) { events.push_back(e); }));
  EXPECT_TRUE(events.empty());
}

TEST(NdjsonParser, OneEventPerLine) {
  NdjsonParser parser;
  std::vector<std::string> lines;
  auto sink = [&](plugin::StreamEvent&& e) { lines.push_back(e.data); };
  parser.feed("{\"a\":1}\r\n{\"b\"", sink);
  parser.feed(":2}\n\n{\"c\":3}", sink);
  parser.finish(sink);
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
}

}  // namespace
}  // namespace switchboard::sdk
