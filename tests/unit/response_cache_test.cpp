// The response cache's pieces: the memory store's bounds, time to live and globs; names that
// change with everything that changes an answer (and the API key, unless shared); entries that
// come back whole, compressed or not; the counts the status reports.
#include <gtest/gtest.h>

#include <thread>

#include "cache/memory_cache_store.hpp"
#include "cache/response_cache.hpp"

namespace switchboard {
namespace {

using namespace std::chrono_literals;

TEST(MemoryCacheStore, TheLeastRecentlyUsedGoesFirst) {
  MemoryCacheStore store(2, 1 << 20);
  store.put("a", "1", 60s);
  store.put("b", "2", 60s);
  ASSERT_EQ(store.get("a"), "1");  // a is now the most recent
  store.put("c", "3", 60s);
  EXPECT_EQ(store.get("b"), std::nullopt);
  EXPECT_EQ(store.get("a"), "1");
  EXPECT_EQ(store.get("c"), "3");
  EXPECT_EQ(store.size().entries, 2);
}

TEST(MemoryCacheStore, BytesAreBoundedAndCounted) {
  MemoryCacheStore store(100, 25);
  store.put("k1", std::string(10, 'x'), 60s);  // 12 bytes with its name
  store.put("k2", std::string(10, 'y'), 60s);  // 24
  EXPECT_EQ(store.size().bytes, 24);
  store.put("k3", std::string(10, 'z'), 60s);  // 36 > 25: k1 goes
  EXPECT_EQ(store.get("k1"), std::nullopt);
  EXPECT_EQ(store.size().bytes, 24);
  store.put("huge", std::string(100, 'h'), 60s);  // bigger than the whole store: not kept
  EXPECT_EQ(store.get("huge"), std::nullopt);
  EXPECT_EQ(store.size().entries, 2);
}

TEST(MemoryCacheStore, EntriesExpireAndGlobsErase) {
  MemoryCacheStore store(100, 1 << 20);
  store.put("mock:m:1", "a", 0s);
  EXPECT_EQ(store.get("mock:m:1"), std::nullopt);
  store.put("mock:m:2", "b", 60s);
  store.put("mock:n:3", "c", 60s);
  store.put("openai:m:4", "d", 60s);
  EXPECT_EQ(store.erase_matching("mock:*"), 2);
  EXPECT_EQ(store.erase_matching("mock:*"), 0);
  EXPECT_EQ(store.get("openai:m:4"), "d");
}

plugin::ChatRequest request(const std::string& text) {
  plugin::ChatRequest r;
  r.model = "m1";
  r.messages = {{"system", "be brief", ""}, {"user", text, ""}};
  r.temperature = 0.2;
  return r;
}

TEST(ResponseCache, NamesChangeWithEverythingThatChangesTheAnswer) {
  CacheConfig config;
  ResponseCache cache(config);
  const auto base = cache.name_of("mock", "key-1", request("hi"));
  EXPECT_EQ(base.rfind("mock:m1:", 0), 0u);
  EXPECT_EQ(base.size(), std::string("mock:m1:").size() + 64);
  EXPECT_EQ(cache.name_of("mock", "key-1", request("hi")), base);
  EXPECT_NE(cache.name_of("mock", "key-1", request("hi!")), base);
  EXPECT_NE(cache.name_of("other", "key-1", request("hi")), base);
  EXPECT_NE(cache.name_of("mock", "key-2", request("hi")), base);  // keys do not share
  auto warmer = request("hi");
  warmer.temperature = 0.9;
  EXPECT_NE(cache.name_of("mock", "key-1", warmer), base);
  auto formatted = request("hi");
  formatted.extra["response_format"] = {{"type", "json_object"}};
  EXPECT_NE(cache.name_of("mock", "key-1", formatted), base);

  config.shared_across_keys = true;
  ResponseCache shared(config);
  EXPECT_EQ(shared.name_of("mock", "key-1", request("hi")), shared.name_of("mock", "key-2", request("hi")));
  // Glob characters in names are replaced, so patterns select what they say.
  EXPECT_EQ(cache.name_of("a*b", "", request("x")).rfind("a_b:m1:", 0), 0u);
}

TEST(ResponseCache, AnswersComeBackWholeCompressedOrNotAndAreCounted) {
  CacheConfig config;
  config.compress_above_bytes = 64;
  ResponseCache cache(config);
  for (const std::string& content : {std::string("short"), std::string(5000, 'w') + "end"}) {
    CachedAnswer answer;
    answer.result.id = "r1";
    answer.result.model = "m1";
    answer.result.content = content;
    answer.result.finish_reason = "stop";
    answer.result.usage.input_tokens = 7;
    answer.result.usage.output_tokens = 9;
    answer.cost_nanousd = 1234;
    const auto name = cache.name_of("mock", "", request(content.substr(0, 10)));
    EXPECT_FALSE(cache.find(name));
    cache.store(name, answer, 60s);
    const auto found = cache.find(name);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->result.content, content);
    EXPECT_EQ(found->result.usage.output_tokens, 9);
    EXPECT_EQ(found->cost_nanousd, 1234);
  }
  const auto status = cache.status();
  EXPECT_EQ(status["hits"], 2);
  EXPECT_EQ(status["misses"], 2);
  EXPECT_EQ(status["entries"], 2);
  EXPECT_EQ(status["cost_saved_nanousd"], 2468);
  // The long answer was compressed: far fewer bytes kept than its 5 000 characters.
  EXPECT_LT(status["bytes"].get<std::int64_t>(), 1000);
  EXPECT_EQ(cache.invalidate("mock:*"), 2);
}

TEST(ResponseCache, AnswersOverTheEntryLimitAreNotKept) {
  CacheConfig config;
  config.max_entry_bytes = 1024;
  config.compress_above_bytes = 1 << 20;
  ResponseCache cache(config);
  CachedAnswer answer;
  answer.result.content = std::string(4096, 'x');
  const auto name = cache.name_of("mock", "", request("big"));
  cache.store(name, answer, 60s);
  EXPECT_FALSE(cache.find(name));
}

}  // namespace
}  // namespace switchboard
