// The request parser the server's reactor threads use (pistache_request_parser.hpp): chunked
// bodies read right however the bytes are split into reads, malformed ones refused with a
// 400, and a connection's parser clean again after a refused request.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <pistache/http.h>

#include "pistache_headers.hpp"
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
  const auto parser = make_request_parser(64 * 1024, 64 * 1024);
  EXPECT_EQ(parse_reads(*parser, {kChunkedHead + "5\r\nhello\r", "\n0\r\n\r\n"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello");
}

TEST(PistacheRequestParser, EverySplitOfAChunkedBodyGivesTheSameBody) {
  const std::string body =
      "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";
  const std::string text = kChunkedHead + body;
  for (std::size_t first = kChunkedHead.size(); first < text.size(); ++first) {
    for (std::size_t second = first; second < text.size(); second += 3) {
      const auto parser = make_request_parser(64 * 1024, 64 * 1024);
      const auto state =
          parse_reads(*parser, {text.substr(0, first), text.substr(first, second - first), text.substr(second)});
      ASSERT_EQ(state, State::Done) << "split at " << first << " and " << second;
      ASSERT_EQ(parser->request.body(), "Wikipedia in \r\n\r\nchunks.") << "split at " << first << " and " << second;
    }
  }
}

TEST(PistacheRequestParser, AChunkedBodyWaitsForItsLastBytes) {
  const auto parser = make_request_parser(64 * 1024, 64 * 1024);
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
    const auto parser = make_request_parser(64 * 1024, 64 * 1024);
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
  const auto parser = make_request_parser(64 * 1024, 64 * 1024);
  const std::string text = kChunkedHead + std::string(5000, 'a');
  ASSERT_TRUE(parser->feed(text.data(), text.size()));
  EXPECT_THROW(parser->parse(), Http::HttpError);
}

TEST(PistacheRequestParser, ContentLengthBodiesAreReadAsBefore) {
  const auto parser = make_request_parser(64 * 1024, 64 * 1024);
  const std::string head = "POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n";
  EXPECT_EQ(parse_reads(*parser, {head + "hello", " world"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello world");
}

TEST(PistacheRequestParser, TheNextRequestAfterARefusedBodyStartsClean) {
  // The handler resets a connection's parser when a body overflows its buffer (413). Pistache's
  // body step kept the old request's byte count, so the next request on the connection waited
  // for "11 minus 200" bytes forever.
  const auto parser = make_request_parser(256, 1 << 20);
  const std::string head = "POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n";
  EXPECT_EQ(parse_reads(*parser, {head + std::string(200, 'a')}), State::Again);
  const std::string more(100, 'a');
  EXPECT_FALSE(parser->feed(more.data(), more.size()));
  parser->reset();
  EXPECT_EQ(parse_reads(*parser, {"POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello world");
}

TEST(PistacheRequestParser, AChunkedRequestAfterARefusedOneStartsClean) {
  const auto parser = make_request_parser(64 * 1024, 64 * 1024);
  const std::string bad = kChunkedHead + "5\r\nhel";
  ASSERT_TRUE(parser->feed(bad.data(), bad.size()));
  EXPECT_EQ(parser->parse(), State::Again);
  parser->reset();  // as the handler does when the connection's request is refused
  EXPECT_EQ(parse_reads(*parser, {kChunkedHead + "3\r\nabc\r\n0\r\n\r\n"}), State::Done);
  EXPECT_EQ(parser->request.body(), "abc");
}

// The answer a parser gave instead of reading the body of `text`, fed at once.
std::optional<HttpResponse> refusal_of(const std::string& text, std::size_t max_body = 64 * 1024,
                                       HeadCheck check = {}) {
  keep_headers_raw();  // as the server runs
  std::vector<HttpResponse> written;
  const auto parser = make_request_parser(64 * 1024, max_body, std::move(check),
                                          [&written](const HttpResponse& answer) { written.push_back(answer); });
  EXPECT_TRUE(parser->feed(text.data(), text.size()));
  EXPECT_EQ(parser->parse(), State::Again) << text.substr(0, 60);
  EXPECT_TRUE(refused(*parser));
  // What the client sends next is dropped, never parsed as a request, and the answer is
  // written once — also after a reset.
  const std::string next = "GET /next HTTP/1.1\r\n\r\n";
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(parser->feed(next.data(), next.size()));
    EXPECT_EQ(parser->parse(), State::Again);
    parser->reset();
  }
  EXPECT_TRUE(refused(*parser)) << "a refused connection stays refused";
  EXPECT_EQ(written.size(), 1u);
  if (written.size() != 1) return std::nullopt;
  return written[0];
}

TEST(PistacheRequestParser, AMalformedContentLengthIsA400WithoutInternalText) {
  // Pistache's typed header answered "-1" and 20 digits with a 500 carrying the C++ library's
  // exception text (basic_string::_M_create, stoull), and read "abc" as 0.
  for (const std::string value :
       {"-1", "18446744073709551616", "99999999999999999999", "abc", "1 2", "0x10", "", "+5"}) {
    const auto answer = refusal_of("POST /x HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\nhello");
    ASSERT_TRUE(answer) << value;
    EXPECT_EQ(answer->status, 400) << value;
    EXPECT_NE(answer->body.find("INVALID_REQUEST"), std::string::npos) << answer->body;
    EXPECT_NE(answer->body.find("Content-Length must be a number"), std::string::npos) << answer->body;
    EXPECT_EQ(answer->body.find("stoull"), std::string::npos);
    EXPECT_TRUE(plugin::find_header(answer->headers, "X-Request-ID").has_value());
  }
  const auto both = refusal_of("POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 400);
}

TEST(PistacheRequestParser, ABodyLargerThanAllowedIsRefusedFromItsDeclaredLength) {
  const auto answer = refusal_of("POST /x HTTP/1.1\r\nContent-Length: 1025\r\nX-Request-ID: req-413\r\n\r\n", 1024);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413);
  EXPECT_NE(answer->body.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  EXPECT_EQ(plugin::find_header(answer->headers, "X-Request-ID"), "req-413");
  // A chunked body is refused once its chunks pass the limit.
  const auto chunked = refusal_of(kChunkedHead + "400\r\n" + std::string(1024, 'a') + "\r\n1\r\n", 1024);
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413);
}

TEST(PistacheRequestParser, TheHeadCheckDecidesBeforeTheBodyIsRead) {
  std::vector<std::pair<std::string, std::optional<std::size_t>>> seen;
  HeadCheck check = [&seen](const Http::Request& head, std::optional<std::size_t> declared) {
    seen.emplace_back(head.resource(), declared);
    std::optional<HttpResponse> refusal;
    if (head.resource() == "/refused") refusal = HttpResponse{401, "application/json", {}, "{}"};
    return refusal;
  };
  const auto answer = refusal_of("POST /refused HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 1024, check);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 401);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].second, std::optional<std::size_t>(5));

  // Admitted bodies are read as before; bodiless requests never reach the check.
  const auto parser = make_request_parser(64 * 1024, 1024, check, [](const HttpResponse&) { FAIL(); });
  EXPECT_EQ(parse_reads(*parser, {"POST /fine HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel", "lo"}), State::Done);
  EXPECT_EQ(parser->request.body(), "hello");
  EXPECT_FALSE(refused(*parser));
  parser->reset();
  EXPECT_EQ(parse_reads(*parser, {"GET /fine HTTP/1.1\r\n\r\n"}), State::Done);
  parser->reset();
  EXPECT_EQ(parse_reads(*parser, {kChunkedHead + "0\r\n\r\n"}), State::Done);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].first, "/fine");
  EXPECT_EQ(seen[2].second, std::nullopt) << "a chunked body has no declared length";
}

TEST(PistacheRequestParser, ADeclaredLengthIsNotReservedBeforeItArrives) {
  // Pistache reserved the whole declared length at once: 20 clients declaring 15 MiB each
  // cost 300 MB before sending a byte.
  keep_headers_raw();
  const auto parser = make_request_parser(16 << 20, 16 << 20);
  EXPECT_EQ(parse_reads(*parser, {"POST /x HTTP/1.1\r\nContent-Length: 15000000\r\n\r\nabc"}), State::Again);
  EXPECT_LT(parser->request.body().capacity(), 1u << 20);
}

}  // namespace
}  // namespace switchboard
