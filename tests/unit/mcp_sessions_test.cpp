// Streamable HTTP sessions: found only for the credential that opened them, ended by close,
// expired when idle, and the least recently used one giving way at capacity.
#include <gtest/gtest.h>

#include <thread>

#include "mcp/sessions.hpp"

namespace switchboard::mcp {
namespace {

using namespace std::chrono_literals;

TEST(McpSessions, ASessionIsFoundOnlyByItsOwnerUntilClosed) {
  SessionTable sessions(10, 1h);
  const std::string id = sessions.open("api_key:1", "2025-06-18");
  EXPECT_EQ(sessions.find(id, "api_key:1"), "2025-06-18");
  EXPECT_FALSE(sessions.find(id, "api_key:2"));
  EXPECT_FALSE(sessions.close(id, "api_key:2"));
  EXPECT_TRUE(sessions.close(id, "api_key:1"));
  EXPECT_FALSE(sessions.find(id, "api_key:1"));
  EXPECT_NE(sessions.open("a", "v"), sessions.open("a", "v"));
}

TEST(McpSessions, AtCapacityTheLeastRecentlyUsedGivesWay) {
  SessionTable sessions(2, 1h);
  const std::string first = sessions.open("a", "v");
  std::this_thread::sleep_for(2ms);
  const std::string second = sessions.open("a", "v");
  std::this_thread::sleep_for(2ms);
  ASSERT_TRUE(sessions.find(first, "a"));  // now the second is the least recently used
  const std::string third = sessions.open("a", "v");
  EXPECT_TRUE(sessions.find(first, "a"));
  EXPECT_FALSE(sessions.find(second, "a"));
  EXPECT_TRUE(sessions.find(third, "a"));
}

TEST(McpSessions, AnIdleSessionExpires) {
  SessionTable sessions(10, 0s);
  const std::string id = sessions.open("a", "v");
  std::this_thread::sleep_for(2ms);
  EXPECT_FALSE(sessions.find(id, "a"));
}

}  // namespace
}  // namespace switchboard::mcp
