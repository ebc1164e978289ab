// The rate limiter's window: exact at the boundary, sliding (not aligned), per key.
#include <gtest/gtest.h>

#include "../../plugins/middleware/rate-limit/sliding_window.hpp"

namespace {

using namespace std::chrono_literals;
using rate_limit::Clock;

TEST(SlidingWindow, TheNthPassesAndTheNextDoesNot) {
  rate_limit::SlidingWindow window(3, 60s);
  const auto start = Clock::time_point(1'000'000s);
  for (int i = 0; i < 3; ++i) {
    auto decision = window.admit("a", start + std::chrono::seconds(i));
    EXPECT_TRUE(decision.allowed) << i;
    EXPECT_EQ(decision.remaining, 2 - i);
    EXPECT_EQ(decision.limit, 3);
  }
  auto refused = window.admit("a", start + 10s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.reset, 50s);                        // the first leaves the window at start + 60 s
  EXPECT_TRUE(window.admit("b", start + 10s).allowed);  // another client has its own window
  // Refusals are not counted: the first slot frees exactly when the first request leaves.
  EXPECT_FALSE(window.admit("a", start + 59s + 999ms).allowed);
  EXPECT_TRUE(window.admit("a", start + 60s).allowed);
  EXPECT_FALSE(window.admit("a", start + 60s + 500ms).allowed);  // the second is still inside
}

TEST(SlidingWindow, ItSlidesRatherThanResettingOnTheMinute) {
  rate_limit::SlidingWindow window(2, 60s);
  const auto start = Clock::time_point(1'000'000s);
  EXPECT_TRUE(window.admit("a", start + 58s).allowed);
  EXPECT_TRUE(window.admit("a", start + 59s).allowed);
  // An aligned window would reset at start + 60 s and allow a burst of 4 in 3 seconds.
  EXPECT_FALSE(window.admit("a", start + 61s).allowed);
  EXPECT_TRUE(window.admit("a", start + 118s).allowed);
}

TEST(SlidingWindow, PeekingCountsNothing) {
  rate_limit::SlidingWindow window(2, 60s);
  const auto start = Clock::time_point(1'000'000s);
  window.admit("a", start);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(window.peek("a", start + 1s).remaining, 1);
  EXPECT_EQ(window.peek("a", start + 60s).remaining, 2);  // the request has left the window
  EXPECT_EQ(window.peek("never", start).remaining, 2);
  EXPECT_TRUE(window.admit("a", start + 2s).allowed);
  EXPECT_FALSE(window.peek("a", start + 3s).allowed);
}

TEST(SlidingWindow, IdleKeysAreSweptAway) {
  rate_limit::SlidingWindow window(5, 1s);
  const auto start = Clock::time_point(1'000'000s);
  for (int i = 0; i < 100; ++i) window.admit("k" + std::to_string(i), start);
  EXPECT_EQ(window.keys(), 100u);
  window.admit("late", start + 5s);
  EXPECT_EQ(window.keys(), 1u);
}

}  // namespace
