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

TEST(Router, AnAsynchronousRouteOffersItsInProcessFormWhenItHasOne) {
  Router router;
  const AsyncRouteHandler later = [](const RequestContext&, const PathParams&, std::shared_ptr<Reply>) {};
  router.add_async("POST", "/api/workflows/{name}", later);
  router.add_async("POST", "/api/chat/{framework}", later, answering(200));

  auto streaming_only = router.match("POST", "/api/workflows/x");
  EXPECT_NE(streaming_only.async_handler, nullptr);
  EXPECT_EQ(streaming_only.handler, nullptr);

  auto both = router.match("POST", "/api/chat/langchain");
  ASSERT_NE(both.async_handler, nullptr);
  ASSERT_NE(both.handler, nullptr);
  EXPECT_EQ(both.thread, RouteThread::async);  // the server answers it asynchronously
  EXPECT_EQ(both.params.at("framework"), "langchain");
}

TEST(Router, TheRootAndAssetPathsMatch) {
  Router router;
  router.add("GET", "/", answering(200));
  router.add("GET", "/assets/{file}", answering(201));
  EXPECT_NE(router.match("GET", "/").handler, nullptr);
  auto asset = router.match("GET", "/assets/index-Ab12_c.js");
  ASSERT_NE(asset.handler, nullptr);
  EXPECT_EQ(asset.params.at("file"), "index-Ab12_c.js");
  EXPECT_EQ(router.match("GET", "/assets/a/b.js").handler, nullptr);
}

}  // namespace
}  // namespace switchboard
