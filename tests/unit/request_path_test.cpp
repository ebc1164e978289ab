#include <switchboard/request_path.hpp>

#include <gtest/gtest.h>

namespace switchboard {
namespace {

TEST(RequestPath, EmptySegmentsCollapseToWhatTheRouterMatches) {
  EXPECT_EQ(canonical_request_path("/"), "/");
  EXPECT_EQ(canonical_request_path("//"), "/");
  EXPECT_EQ(canonical_request_path("//admin/keys"), "/admin/keys");
  EXPECT_EQ(canonical_request_path("/admin//keys/"), "/admin/keys");
  EXPECT_EQ(canonical_request_path("///v1///chat/completions//"), "/v1/chat/completions");
  EXPECT_EQ(canonical_request_path("/api/stories/12"), "/api/stories/12");
}

TEST(RequestPath, DotSegmentsAndEncodedSeparatorsAreRefused) {
  for (const char* path : {"/admin/../api", "/./admin/keys", "/api/..", "/api/.", "/%2e%2e/admin", "/%2E/admin",
                           "/.%2e/x", "/admin%2fkeys", "/admin%2Fkeys", "/admin%5ckeys", "/admin\\keys", "/a%00b",
                           "/a\tb", "/a\x7f", "admin/keys", ""}) {
    EXPECT_FALSE(canonical_request_path(path)) << path;
  }
}

TEST(RequestPath, DotsInsideNamesAndOtherEscapesStay) {
  EXPECT_EQ(canonical_request_path("/assets/index-1.2.js"), "/assets/index-1.2.js");
  EXPECT_EQ(canonical_request_path("/api/.../x"), "/api/.../x");
  EXPECT_EQ(canonical_request_path("/api/stories/a%20b"), "/api/stories/a%20b");
  EXPECT_EQ(canonical_request_path("/api/%zz/%"), "/api/%zz/%");
}

}  // namespace
}  // namespace switchboard
