#include <switchboard/request_id.hpp>

#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace switchboard {
namespace {

TEST(RequestId, KeepsASaneClientId) {
  EXPECT_EQ(accept_or_generate_request_id(std::string("client-42.a:b_c")), "client-42.a:b_c");
}

TEST(RequestId, ReplacesAnIdThatCouldInjectHeadersOrLogs) {
  for (std::string bad :
       std::vector<std::string>{"a\r\nSet-Cookie: x=1", "has space", "quote\"d", "", std::string(129, 'a'), "ünï"}) {
    auto id = accept_or_generate_request_id(bad);
    EXPECT_NE(id, bad);
    EXPECT_TRUE(std::regex_match(id, std::regex("req_[0-9a-f]{32}"))) << id;
  }
}

TEST(RequestId, GeneratesWhenAbsentAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(accept_or_generate_request_id(std::nullopt));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestId, AcceptsTheLongestAllowedId) {
  std::string longest(128, 'x');
  EXPECT_EQ(accept_or_generate_request_id(longest), longest);
}

TEST(TransactionGuid, IsAVersion4Uuid) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) {
    auto guid = new_uuid();
    EXPECT_TRUE(std::regex_match(guid, uuid)) << guid;
  }
}

// Ids come from a per-thread page of random bytes: across page refills and threads, none repeats.
TEST(TransactionGuid, NeverRepeatsAcrossPagesAndThreads) {
  std::mutex mutex;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 2000; ++i) mine.push_back(i % 2 ? new_uuid() : accept_or_generate_request_id(std::nullopt));
      std::lock_guard lock(mutex);
      seen.insert(mine.begin(), mine.end());
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(seen.size(), 8000u);
}

}  // namespace
}  // namespace switchboard
