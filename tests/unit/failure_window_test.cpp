// The auth plugin's failure window: a client that failed `limit` times waits until its window
// ends (and no longer); other clients are not touched; a new window starts counting afresh.
#include <gtest/gtest.h>

#include "../../plugins/middleware/auth/failure_window.hpp"

namespace {

using namespace std::chrono_literals;
using auth::Clock;

TEST(FailureWindow, AClientThatUsedItsFailuresUpWaitsForItsWindowToEnd) {
  auth::FailureWindow failures(3, 60s);
  const Clock::time_point start{std::chrono::hours(1000)};
  EXPECT_EQ(failures.fail("10.0.0.1", start), 1);
  EXPECT_EQ(failures.fail("10.0.0.1", start + 10s), 2);
  EXPECT_FALSE(failures.blocked("10.0.0.1", start + 10s));
  EXPECT_EQ(failures.fail("10.0.0.1", start + 20s), 3);
  ASSERT_TRUE(failures.blocked("10.0.0.1", start + 20s));
  EXPECT_EQ(*failures.blocked("10.0.0.1", start + 20s), 40s);  // until the window that began at start ends
  EXPECT_EQ(*failures.blocked("10.0.0.1", start + 59500ms), 1s);
  EXPECT_FALSE(failures.blocked("10.0.0.2", start + 20s));
  EXPECT_FALSE(failures.blocked("10.0.0.1", start + 60s));
  EXPECT_EQ(failures.fail("10.0.0.1", start + 61s), 1);  // a new window
  EXPECT_FALSE(failures.blocked("10.0.0.1", start + 61s));
}

}  // namespace
