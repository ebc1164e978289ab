#include <switchboard/router.hpp>

#include <gtest/gtest.h>

#include <switchboard/request_context.hpp>

namespace switchboard {
namespace {

RouteHandler answering(int status) {
  return [status](const RequestContext&, const PathParams&) {
    HttpResponse response;
    response.status = status;
    return response;
  };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.add("GET", "/admin/plugins", answering(200));
  router.add("POST", "/admin/plugins/{name}/reload", answering(201));
  auto match = router.match("POST", "/admin/plugins/mock/reload");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.params.at("name"), "mock");
  EXPECT_EQ(match.pattern, "/admin/plugins/{name}/reload");
}

TEST(Router, OtherMethodOnAKnownPathIsMethodNotAllowed) {
  Router router;
  router.add("GET", "/health", answering(200));
  router.add("HEAD", "/health", answering(200));
  auto match = router.match("DELETE", "/health");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.allowed_methods, "GET, HEAD");
}

TEST(Router, UnknownPathIsNotFound) {
  Router router;
  router.add("GET", "/health", answering(200));
  auto match = router.match("GET", "/healthz");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
  EXPECT_EQ(router.match("GET", "/health/extra").handler, nullptr);
}

TEST(Router, ParameterDoesNotMatchAnEmptySegment) {
  Router router;
  router.add("DELETE", "/admin/plugins/{name}", answering(200));
  EXPECT_EQ(router.match("DELETE", "/admin/plugins/").handler, nullptr);
}

}  // namespace
}  // namespace switchboard
