// Cache-Control stays out of Pistache's typed-header parser (see pistache_headers.hpp).

#include <string>

#include <gtest/gtest.h>
#include <pistache/http.h>

#include "pistache_headers.hpp"

namespace switchboard {
namespace {

using namespace Pistache;

// Parses one request with Pistache's own request parser, as its reactor thread does.
Http::Header::Collection parsed_headers(const std::string& request_text) {
  Http::RequestParser parser(64 * 1024);
  EXPECT_TRUE(parser.feed(request_text.data(), request_text.size()));
  EXPECT_EQ(parser.parse(), Http::Private::State::Done);
  return parser.request.headers();
}

TEST(PistacheHeaders, CacheControlIsLeftRawAndOtherTypedHeadersStay) {
  keep_headers_raw();
  keep_headers_raw();  // idempotent
  auto& registry = Http::Header::Registry::instance();
  EXPECT_FALSE(registry.isRegistered("Cache-Control"));
  EXPECT_FALSE(registry.isRegistered("cache-control"));
  // The body step reads Content-Length raw; the encoding stays typed.
  EXPECT_FALSE(registry.isRegistered("Content-Length"));
  EXPECT_TRUE(registry.isRegistered("Transfer-Encoding"));
}

TEST(PistacheHeaders, ABrowsersReloadHeaderArrivesAsItWasSent) {
  keep_headers_raw();
  auto headers = parsed_headers("GET / HTTP/1.1\r\nHost: x\r\nCache-Control: max-age=0\r\n\r\n");
  EXPECT_FALSE(headers.has("Cache-Control"));
  auto raw = headers.tryGetRaw("Cache-Control");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->value(), "max-age=0");
}

TEST(PistacheHeaders, AMalformedCacheDirectiveNoLongerFailsTheRequest) {
  // Pistache's typed parser threw on these, which cost the client its request.
  keep_headers_raw();
  for (const std::string value : {"max-age=oops", "max-age", "no-cache;", "max-stale=1x"}) {
    Http::RequestParser parser(64 * 1024);
    const std::string text = "GET / HTTP/1.1\r\nCache-Control: " + value + "\r\n\r\n";
    ASSERT_TRUE(parser.feed(text.data(), text.size()));
    EXPECT_NO_THROW(EXPECT_EQ(parser.parse(), Http::Private::State::Done)) << value;
    auto raw = parser.request.headers().tryGetRaw("Cache-Control");
    ASSERT_TRUE(raw.has_value()) << value;
    EXPECT_EQ(raw->value(), value);
  }
}

}  // namespace
}  // namespace switchboard
