// The request parser the server's reactor threads use (pistache_request_parser.hpp): chunked
// bodies read right however the bytes are split into reads, malformed ones refused with a
// 400, and a connection's parser clean again after a refused request.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <pistache/http.h>

#include "pistache_request_parser.hpp"

namespace switchboard {
namespace {

using namespace Pistache;
using Http::Private::State;

const std::string kChunkedHead = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";

// Feeds `reads` one after another, parsing after each, as a reactor thread does.
State parse_reads(Http::RequestParser& parser, const std::vector<std::string>& reads) {
  State state = State::Again;
  for (const auto& read : reads) {
    EXPECT_TRUE(parser.feed(read.data(), read.size()));
    state = parser.parse();
  }
  return state;
}

TEST(PistacheRequestParser, AChunkSplitBetweenItsCrAndLfIsReadWhole) {
  // Pistache's own body step spun forever on the second read (advance by -1 bytes).
  const auto parser = make_request_parser(64 * 1024);
  EXPECT_EQ(parse_reads(*parser, {kChunkedHead + "5\r\nhello\r", "\n0\r\n\r\n"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello");
}

TEST(PistacheRequestParser, EverySplitOfAChunkedBodyGivesTheSameBody) {
  const std::string body =
      "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";
  const std::string text = kChunkedHead + body;
  for (std::size_t first = kChunkedHead.size(); first < text.size(); ++first) {
    for (std::size_t second = first; second < text.size(); second += 3) {
      const auto parser = make_request_parser(64 * 1024);
      const auto state =
          parse_reads(*parser, {text.substr(0, first), text.substr(first, second - first), text.substr(second)});
      ASSERT_EQ(state, State::Done) << "split at " << first << " and " << second;
      ASSERT_EQ(parser->request.body(), "Wikipedia in \r\n\r\nchunks.") << "split at " << first << " and " << second;
    }
  }
}

TEST(PistacheRequestParser, AChunkedBodyWaitsForItsLastBytes) {
  const auto parser = make_request_parser(64 * 1024);
  EXPECT_EQ(parse_reads(*parser, {kChunkedHead + "5\r\nhello\r\n0\r\n"}), State::Again);
  EXPECT_EQ(parse_reads(*parser, {"\r"}), State::Again);
  EXPECT_EQ(parse_reads(*parser, {"\n"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello");
}

TEST(PistacheRequestParser, MalformedChunksAreRefusedWithA400) {
  for (const std::string& body : std::vector<std::string>{
           "5\r\nhelloX\r\n0\r\n\r\n",  // data longer than its size
           "\r\n\r\n",                  // no size (Pistache's strtol read past its buffer here)
           "zz\r\nhello\r\n0\r\n\r\n",
           "-5\r\nhello\r\n0\r\n\r\n",
           " 5\r\nhello\r\n0\r\n\r\n",
           "0x5\r\nhello\r\n0\r\n\r\n",
           "1000000000000000\r\n",  // 16 hex digits: more than any body could be
           std::string(5000, '1') + "\r\n",
       }) {
    const auto parser = make_request_parser(64 * 1024);
    const std::string text = kChunkedHead + body;
    ASSERT_TRUE(parser->feed(text.data(), text.size()));
    try {
      parser->parse();
      ADD_FAILURE() << "accepted: " << body.substr(0, 40);
    } catch (const Http::HttpError& error) {
      EXPECT_EQ(error.code(), static_cast<int>(Http::Code::Bad_Request)) << body.substr(0, 40);
    }
  }
}

TEST(PistacheRequestParser, ALongChunkSizeLineWithoutItsEndIsRefusedBeforeTheBufferFills) {
  const auto parser = make_request_parser(64 * 1024);
  const std::string text = kChunkedHead + std::string(5000, 'a');
  ASSERT_TRUE(parser->feed(text.data(), text.size()));
  EXPECT_THROW(parser->parse(), Http::HttpError);
}

TEST(PistacheRequestParser, ContentLengthBodiesAreReadAsBefore) {
  const auto parser = make_request_parser(64 * 1024);
  const std::string head = "POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
  EXPECT_EQ(parse_reads(*parser, {head + "hello", " world"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello world");
}

TEST(PistacheRequestParser, TheNextRequestAfterARefusedBodyStartsClean) {
  // The handler resets a connection's parser when a body overflows its buffer (413). Pistache's
  // body step kept the old request's byte count, so the next request on the connection waited
  // for "11 minus 200" bytes forever.
  const auto parser = make_request_parser(256);
  const std::string head = "POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n";
  EXPECT_EQ(parse_reads(*parser, {head + std::string(200, 'a')}), State::Again);
  const std::string more(100, 'a');
  EXPECT_FALSE(parser->feed(more.data(), more.size()));
  parser->reset();
  EXPECT_EQ(parse_reads(*parser, {"POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello world");
}

TEST(PistacheRequestParser, AChunkedRequestAfterARefusedOneStartsClean) {
  const auto parser = make_request_parser(64 * 1024);
  const std::string bad = kChunkedHead + "5\r\nhel";
  ASSERT_TRUE(parser->feed(bad.data(), bad.size()));
  EXPECT_EQ(parser->parse(), State::Again);
  parser->reset();  // as the handler does when the connection's request is refused
  EXPECT_EQ(parse_reads(*parser, {kChunkedHead + "3\r\nabc\r\n0\r\n\r\n"}), State::Done);
  EXPECT_EQ(parser->request.body(), "abc");
}

}  // namespace
}  // namespace switchboard
