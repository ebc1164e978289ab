// The guards every request passes before middleware: the Host allow-list (DNS rebinding),
// whole-origin matching, and cross-site requests that change state.
#include "request_guards.hpp"

#include <gtest/gtest.h>

#include <switchboard/config.hpp>

namespace switchboard {
namespace {

HttpRequest request(std::string method, HeaderList headers, std::string body = "") {
  HttpRequest out;
  out.method = std::move(method);
  out.path = "/v1/schemas";
  out.headers = std::move(headers);
  out.body = std::move(body);
  return out;
}

const GuardPolicy kLoopback{{"localhost", "127.0.0.1", "[::1]"}, {}};

// The status of the refusal, or 0 when the request passes.
int refusal(const HttpRequest& r, const GuardPolicy& policy = kLoopback) {
  auto refused = check_request(r, policy);
  return refused ? refused->status : 0;
}

TEST(RequestGuards, OriginsAreParsedWhole) {
  auto origin = parse_origin("HTTP://LocalHost:8000");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->scheme, "http");
  EXPECT_EQ(origin->host, "localhost");
  EXPECT_EQ(origin->port, 8000);
  EXPECT_EQ(parse_origin("https://example.com")->port, 443);
  EXPECT_EQ(parse_origin("http://example.com")->port, 80);
  EXPECT_EQ(parse_origin("http://[::1]:9")->host, "[::1]");
  // Default ports are the same origin written either way.
  EXPECT_EQ(*parse_origin("https://example.com:443"), *parse_origin("https://example.com"));
  EXPECT_FALSE(*parse_origin("http://example.com:443") == *parse_origin("https://example.com"));
  for (const char* bad : {"null", "", "example.com", "ftp://example.com", "http://", "http://example.com/",
                          "http://example.com/path", "http://user@example.com", "http://example.com:",
                          "http://example.com:0", "http://example.com:65536", "http://example.com:8x", "http://[::1",
                          "http://[zz]:80", "http://a b", "http://example.com?x", "http://[::1]x"}) {
    EXPECT_FALSE(parse_origin(bad)) << bad;
  }
}

TEST(RequestGuards, HostHeadersAreParsed) {
  auto plain = parse_authority("Example.COM");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host, "example.com");
  EXPECT_FALSE(plain->port);
  auto with_port = parse_authority("127.0.0.1:8000");
  ASSERT_TRUE(with_port);
  EXPECT_EQ(with_port->host, "127.0.0.1");
  EXPECT_EQ(with_port->port, 8000);
  EXPECT_EQ(parse_authority("[::1]:80")->host, "[::1]");
  for (const char* bad : {"", ":80", "a:b", "a b", "a/b", "a@b", "[::1]:", "::1", "[::1]]"}) {
    EXPECT_FALSE(parse_authority(bad)) << bad;
  }
}

TEST(RequestGuards, AllowedHostEntriesAreHostsWithoutPorts) {
  for (const char* good : {"*", "localhost", "api.example.com", "10.0.0.1", "[::1]", "[2001:db8::1]"}) {
    EXPECT_TRUE(valid_allowed_host(good)) << good;
  }
  for (const char* bad : {"", "api.example.com:443", "http://api.example.com", "::1", "*.example.com", "a b"}) {
    EXPECT_FALSE(valid_allowed_host(bad)) << bad;
  }
}

TEST(RequestGuards, TheLoopbackDefaultAnswersOnlyLoopbackNames) {
  Config config;
  config.server.host = "127.0.0.1";
  EXPECT_EQ(allowed_hosts(config), (std::vector<std::string>{"localhost", "127.0.0.1", "[::1]"}));
  config.server.host = "127.0.0.2";  // the address it listens on too
  EXPECT_EQ(allowed_hosts(config), (std::vector<std::string>{"localhost", "127.0.0.1", "[::1]", "127.0.0.2"}));
  config.server.host = "::1";
  EXPECT_EQ(allowed_hosts(config), (std::vector<std::string>{"localhost", "127.0.0.1", "[::1]"}));
  config.server.host = "0.0.0.0";  // beyond loopback: any host, unless configured
  EXPECT_TRUE(allowed_hosts(config).empty());
  config.server.allowed_hosts = {"api.example.com"};
  EXPECT_EQ(allowed_hosts(config), (std::vector<std::string>{"api.example.com"}));
  config.server.host = "127.0.0.1";
  EXPECT_EQ(allowed_hosts(config), (std::vector<std::string>{"api.example.com"}));
  EXPECT_TRUE(loopback_listener("localhost"));
  EXPECT_TRUE(loopback_listener("127.8.9.10"));
  EXPECT_FALSE(loopback_listener("0.0.0.0"));
  EXPECT_FALSE(loopback_listener("::"));
}

TEST(RequestGuards, ARebindingHostIsMisdirected) {
  for (const char* good :
       {"localhost", "localhost:8000", "LOCALHOST:8000", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:8000"}) {
    EXPECT_EQ(refusal(request("GET", {{"Host", good}})), 0) << good;
  }
  for (const char* bad : {"attacker.example", "attacker.example:8000", "127.0.0.1.attacker.example",
                          "localhost.attacker.example:8000", "localhost.", "127.0.0.2", "[::2]", "", "a b"}) {
    auto refused = check_request(request("GET", {{"Host", bad}}), kLoopback);
    ASSERT_TRUE(refused) << bad;
    EXPECT_EQ(refused->status, 421);
    EXPECT_EQ(refused->code, "MISDIRECTED_REQUEST");
  }
  EXPECT_EQ(refusal(request("GET", {})), 421);  // a browser always names the host
  // Any host when none is listed (beyond loopback), or with "*".
  EXPECT_EQ(refusal(request("GET", {{"Host", "attacker.example"}}), GuardPolicy{}), 0);
  EXPECT_EQ(refusal(request("GET", {{"Host", "attacker.example"}}), GuardPolicy{{"*"}, {}}), 0);
  EXPECT_EQ(refusal(request("GET", {{"Host", "API.example.com:443"}}), GuardPolicy{{"api.example.com"}, {}}), 0);
  EXPECT_EQ(refusal(request("GET", {{"Host", "localhost"}}), GuardPolicy{{"api.example.com"}, {}}), 421);
}

TEST(RequestGuards, BodiesThatChangeStateMustSayJson) {
  const HeaderList host = {{"Host", "127.0.0.1:8000"}};
  auto with_type = [&](const std::string& type) {
    HeaderList headers = host;
    headers.emplace_back("Content-Type", type);
    return headers;
  };
  for (const char* json : {"application/json", "Application/JSON; charset=utf-8", " application/json ",
                           "application/merge-patch+json", "multipart/form-data; boundary=x"}) {
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
      EXPECT_EQ(refusal(request(method, with_type(json), "{}")), 0) << method << " " << json;
    }
  }
  for (const char* simple : {"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
                             "text/json", "application/jsonp", "application/json-seq", ""}) {
    auto refused = check_request(request("POST", with_type(simple), "{\"a\": 1}"), kLoopback);
    ASSERT_TRUE(refused) << simple;
    EXPECT_EQ(refused->status, 415) << simple;
    EXPECT_EQ(refused->code, "UNSUPPORTED_MEDIA_TYPE");
  }
  EXPECT_EQ(refusal(request("POST", host, "{}")), 415);  // no Content-Type at all (a Blob body)
  EXPECT_EQ(refusal(request("DELETE", with_type("text/plain"), "{}")), 415);
  // Nothing to misread without a body, and reads are not state-changing.
  EXPECT_EQ(refusal(request("POST", host)), 0);
  EXPECT_EQ(refusal(request("GET", with_type("text/plain"), "{}")), 0);
}

TEST(RequestGuards, StateChangesComeOnlyFromTheServersOwnOriginOrCorsAllowedOnes) {
  auto post = [](std::string host, std::vector<std::pair<std::string, std::string>> more) {
    HeaderList headers = {{"Host", std::move(host)}, {"Content-Type", "application/json"}};
    for (auto& each : more) headers.push_back(std::move(each));
    return request("POST", std::move(headers), "{}");
  };
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {})), 0);  // not from a browser
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "http://127.0.0.1:8000"}})), 0);
  EXPECT_EQ(refusal(post("localhost", {{"Origin", "http://localhost"}})), 0);
  // The scheme the server is reached under is not known (a proxy may end TLS in front of
  // it); the host and port it was sent to are this server's whatever the scheme.
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "https://127.0.0.1:8000"}})), 0);
  EXPECT_EQ(refusal(post("api.example.com", {{"Origin", "https://api.example.com"}}), GuardPolicy{}), 0);
  EXPECT_EQ(refusal(post("localhost:80", {{"Origin", "http://LOCALHOST"}})), 0);
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "http://127.0.0.1:8000"}, {"Sec-Fetch-Site", "same-origin"}})),
            0);
  for (const char* foreign :
       {"http://evil.example", "http://127.0.0.1.evil.example", "http://127.0.0.1.evil.example:8000",
        "http://127.0.0.1:8001", "http://localhost:8000", "null", "http://127.0.0.1:8000/", "file://"}) {
    auto refused = check_request(post("127.0.0.1:8000", {{"Origin", foreign}}), kLoopback);
    ASSERT_TRUE(refused) << foreign;
    EXPECT_EQ(refused->status, 403) << foreign;
    EXPECT_EQ(refused->code, "FORBIDDEN_ORIGIN");
  }
  // The browser's own word that another site sent it.
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Sec-Fetch-Site", "cross-site"}})), 403);
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "http://127.0.0.1:8000"}, {"Sec-Fetch-Site", "Cross-Site"}})),
            403);
  // Multipart uploads too: refused from another origin, whatever the type.
  EXPECT_EQ(refusal(request("POST",
                            {{"Host", "127.0.0.1:8000"},
                             {"Origin", "http://evil.example"},
                             {"Content-Type", "multipart/form-data; boundary=x"}},
                            "--x--")),
            403);
  EXPECT_EQ(refusal(request("DELETE", {{"Host", "127.0.0.1:8000"}, {"Origin", "http://evil.example"}})), 403);
  // Reads may come from anywhere (what the browser lets the page see is CORS's business).
  EXPECT_EQ(refusal(request("GET", {{"Host", "127.0.0.1:8000"}, {"Origin", "http://evil.example"}})), 0);
  EXPECT_EQ(refusal(request("OPTIONS", {{"Host", "127.0.0.1:8000"}, {"Origin", "http://evil.example"}})), 0);

  // Origins the cors middleware allows, matched whole, never by prefix.
  const GuardPolicy cors{kLoopback.allowed_hosts, {"https://console.example.org", "http://app.example.org:8080"}};
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "https://console.example.org"}}), cors), 0);
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "https://Console.Example.org:443"}}), cors), 0);
  EXPECT_EQ(
      refusal(post("127.0.0.1:8000", {{"Origin", "https://console.example.org"}, {"Sec-Fetch-Site", "cross-site"}}),
              cors),
      0);
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "http://app.example.org:8080"}}), cors), 0);
  for (const char* near :
       {"https://console.example.org.evil.test", "http://console.example.org", "https://console.example.org:8443",
        "https://evil.console.example.org", "http://app.example.org", "http://app.example.org:80800"}) {
    EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", near}}), cors), 403) << near;
  }
  EXPECT_EQ(refusal(post("127.0.0.1:8000", {{"Origin", "https://anywhere.example"}}), GuardPolicy{{}, {"*"}}), 0);
}

}  // namespace
}  // namespace switchboard
