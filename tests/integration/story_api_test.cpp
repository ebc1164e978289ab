// The story API of seed 000 through the real binary, on the embedded defaults (mock provider,
// SQLite): write, list, page, get, search, delete; character validation; the ledger entry of
// each story's LLM step under its framework.
#include <gtest/gtest.h>

#include <set>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

class Stories : public ::testing::Test {
 protected:
  ServerProcess server_;
  HttpClient client_{server_.base_url()};

  HttpReply write(const std::string& path, const json& body) { return client_.post(path, body.dump()); }
};

TEST_F(Stories, AStoryIsWrittenStoredAndFound) {
  auto reply = write("/api/semantic-kernel", {{"primary_character", "Alice"}, {"secondary_character", "Bob"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto story = reply.json();
  EXPECT_NE(story["story"].get<std::string>().find("Alice"), std::string::npos) << story.dump();
  EXPECT_EQ(story["combined_characters"], "Alice and Bob");
  EXPECT_EQ(story["method"], "semantic_kernel");
  EXPECT_GT(story["total_tokens"].get<int>(), 0);
  EXPECT_EQ(story["total_tokens"], story["input_tokens"].get<int>() + story["output_tokens"].get<int>());
  EXPECT_EQ(story["provider"], "mock");
  EXPECT_EQ(story["request_id"], reply.header("x-request-id"));
  EXPECT_EQ(story["transaction_guid"], reply.header("x-transaction-guid"));
  EXPECT_GT(story["generation_time_ms"].get<double>(), 0.0);
  const auto id = story["id"].get<std::int64_t>();
  ASSERT_GT(id, 0);

  auto chained = write("/api/langchain", {{"primary_character", "Carol"}, {"secondary_character", "Dave"}});
  ASSERT_EQ(chained.status, 200) << chained.body;
  EXPECT_EQ(chained.json()["method"], "langchain");
  EXPECT_NE(chained.json()["story"].get<std::string>().find("Carol"), std::string::npos);
  ASSERT_EQ(write("/api/semantic-kernel", {{"primary_character", "Erin"}, {"secondary_character", "Alice"}}).status,
            200);
  // The graph writes in two steps, storyteller then editor: both counted in the story.
  auto graph = write("/api/langgraph", {{"primary_character", "Gus"}, {"secondary_character", "Hal"}});
  ASSERT_EQ(graph.status, 200) << graph.body;
  EXPECT_EQ(graph.json()["method"], "langgraph");
  ASSERT_EQ(graph.json()["steps"].size(), 2u);
  EXPECT_EQ(graph.json()["steps"][0]["name"], "storyteller");
  EXPECT_EQ(graph.json()["steps"][1]["name"], "editor");
  EXPECT_EQ(graph.json()["input_tokens"],
            graph.json()["steps"][0]["input_tokens"].get<int>() + graph.json()["steps"][1]["input_tokens"].get<int>());
  EXPECT_NE(graph.json()["story"].get<std::string>().find("Edit this story"), std::string::npos);
  EXPECT_EQ(client_.get("/api/cost/transactions?framework=graph").json()["transactions"].size(), 2u);
  auto page = client_.get("/api/stories?skip=2&limit=1").json();
  EXPECT_EQ(page["total"], 4);
  EXPECT_EQ(page["skip"], 2);
  EXPECT_EQ(page["limit"], 1);
  ASSERT_EQ(page["stories"].size(), 1u);
  EXPECT_EQ(page["stories"][0]["combined_characters"], "Carol and Dave");  // newest first
  EXPECT_EQ(client_.get("/api/stories?framework=langchain").json()["total"], 1);
  EXPECT_EQ(client_.get("/api/stories?framework=semantic_kernel").json()["total"], 2);

  auto one = client_.get("/api/stories/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json()["story"], story["story"]);
  EXPECT_FALSE(one.json()["created_at"].get<std::string>().empty());
  EXPECT_EQ(client_.get("/api/stories/999999").status, 404);
  EXPECT_EQ(client_.get("/api/stories/abc").status, 404);

  auto found = client_.get("/api/stories/search/characters?character=alice").json();
  ASSERT_TRUE(found.is_array());
  EXPECT_EQ(found.size(), 2u);
  EXPECT_EQ(client_.get("/api/stories/search/characters").status, 422);

  auto ledger = client_.get("/api/cost/transactions?framework=kernel").json()["transactions"];
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[1]["type"], "story");
  EXPECT_EQ(ledger[1]["transaction_guid"], story["transaction_guid"]);
  EXPECT_EQ(client_.get("/api/cost/transactions?framework=chain").json()["transactions"].size(), 1u);

  // One story deleted by its id: gone, the others kept; a second delete or a bad id is a 404.
  auto one_deleted = client_.request("DELETE", "/api/stories/" + std::to_string(id));
  ASSERT_EQ(one_deleted.status, 200) << one_deleted.body;
  EXPECT_EQ(one_deleted.json()["story_id"], id);
  EXPECT_EQ(client_.get("/api/stories/" + std::to_string(id)).status, 404);
  EXPECT_EQ(client_.get("/api/stories").json()["total"], 3);
  EXPECT_EQ(client_.request("DELETE", "/api/stories/" + std::to_string(id)).json()["error"]["code"], "NOT_FOUND");
  EXPECT_EQ(client_.request("DELETE", "/api/stories/abc").status, 404);

  auto deleted = client_.request("DELETE", "/api/stories");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.json()["deleted_count"], 3);
  EXPECT_EQ(client_.get("/api/stories").json()["total"], 0);
}

TEST_F(Stories, CharactersAreValidated) {
  const std::pair<json, std::string> bad[] = {
      {{{"secondary_character", "Bob"}}, "primary_character"},
      {{{"primary_character", 7}, {"secondary_character", "Bob"}}, "primary_character"},
      {{{"primary_character", "Alice"}, {"secondary_character", "<b> </b>"}}, "secondary_character"},
      {{{"primary_character", std::string(101, 'x')}, {"secondary_character", "Bob"}}, "primary_character"},
      {{{"primary_character", "<script>alert(1)</script>"}, {"secondary_character", "Bob"}}, "primary_character"},
      {{{"primary_character", "Alice"}, {"secondary_character", "JavaScript:alert(1)"}}, "secondary_character"},
      {{{"primary_character", "<img src=x onerror=alert(1)>"}, {"secondary_character", "Bob"}}, "primary_character"},
  };
  for (const auto& [body, field] : bad) {
    auto reply = write("/api/semantic-kernel", body);
    EXPECT_EQ(reply.status, 422) << body.dump();
    auto error = reply.json()["error"];
    EXPECT_EQ(error["code"], "VALIDATION_ERROR");
    ASSERT_TRUE(error["details"].is_array()) << reply.body;
    EXPECT_EQ(error["details"][0]["field"], field) << body.dump();
  }
  auto cleaned = write("/api/semantic-kernel",
                       {{"primary_character", "  <b>Alice</b> "}, {"secondary_character", std::string(100, 'y')}});
  ASSERT_EQ(cleaned.status, 200) << cleaned.body;
  EXPECT_EQ(cleaned.json()["combined_characters"], "Alice and " + std::string(100, 'y'));
  EXPECT_EQ(client_.post("/api/semantic-kernel", "{not json").status, 400);
  EXPECT_EQ(client_.get("/api/stories?limit=0").status, 422);
  EXPECT_EQ(client_.get("/api/stories?limit=101").status, 422);
  EXPECT_EQ(client_.get("/api/stories?skip=-1").status, 422);
}

// Beyond the seed: pages by cursor. Each page's next_cursor starts the next one where the
// last ended — no story twice or missed, even when new ones arrive between pages (which shift
// a `skip` page) — and the last page says there is none after it.
TEST_F(Stories, PagesFollowTheCursorWithoutGapsOrRepeats) {
  std::vector<std::int64_t> written;  // oldest first
  for (int i = 0; i < 7; ++i) {
    auto reply = write("/api/semantic-kernel",
                       {{"primary_character", "Reader" + std::to_string(i)}, {"secondary_character", "Bob"}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    written.push_back(reply.json()["id"].get<std::int64_t>());
  }
  std::vector<std::int64_t> seen;
  std::string path = "/api/stories?limit=3";
  for (int page = 0; page < 5; ++page) {
    auto reply = client_.get(path);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto body = reply.json();
    EXPECT_EQ(body["total"], page == 0 ? 7 : 8) << "total counts every story, not what is left";
    for (const auto& story : body["stories"]) seen.push_back(story["id"].get<std::int64_t>());
    if (page == 0) {  // a newer story arrives: it is not on the pages after the cursor
      ASSERT_EQ(write("/api/langchain", {{"primary_character", "Late"}, {"secondary_character", "Bob"}}).status, 200);
    }
    if (body["next_cursor"].is_null()) {
      EXPECT_LT(body["stories"].size(), 3u);
      break;
    }
    path = "/api/stories?limit=3&before=" + body["next_cursor"].get<std::string>();
  }
  const std::vector<std::int64_t> newest_first(written.rbegin(), written.rend());
  EXPECT_EQ(seen, newest_first);
  // With a framework filter the cursor pages that framework's list.
  auto chain = client_.get("/api/stories?framework=langchain&limit=1").json();
  ASSERT_EQ(chain["stories"].size(), 1u);
  auto after =
      client_.get("/api/stories?framework=langchain&limit=1&before=" + chain["next_cursor"].get<std::string>());
  EXPECT_EQ(after.json()["stories"].size(), 0u) << after.body;
  EXPECT_TRUE(after.json()["next_cursor"].is_null());

  for (const char* bad :
       {"abc", "~", "2026-01-01T00:00:00.000000Z", "2026-02-30T00:00:00.000000Z~1", "2026-01-01T00:00:00.000000Z~0",
        "2026-01-01T00:00:00.000000Z~-1", "0000-01-01T00:00:00.000000Z~1", "2026-01-01T00:00:00Z~1",
        "2026-01-01T00:00:00.000000Z~99999999999999999999", "+2026-01-01T00:00:00.000000Z~1",
        "9999-12-31T23:59:59.999999Z~1"}) {
    auto reply = client_.get(std::string("/api/stories?before=") + bad);
    EXPECT_EQ(reply.status, 422) << bad << ": " << reply.body;
    EXPECT_EQ(reply.json()["error"]["details"][0]["field"], "before") << bad;
  }
}

// Beyond the seed: one request, all three frameworks at once, each result stored with its
// own tokens and cost.
TEST_F(Stories, CompareRunsTheThreeFrameworksTogether) {
  auto reply = write("/api/compare", {{"primary_character", "Ivy"}, {"secondary_character", "Jon"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto out = reply.json();
  ASSERT_EQ(out["results"].size(), 3u);
  std::set<std::string> methods;
  for (const auto& result : out["results"]) {
    ASSERT_TRUE(result["ok"].get<bool>()) << result.dump();
    const auto& story = result["story"];
    methods.insert(story["method"].get<std::string>());
    EXPECT_EQ(story["method"], result["framework"]);
    EXPECT_GT(story["total_tokens"].get<int>(), 0);
    EXPECT_GT(story["id"].get<int>(), 0);
    EXPECT_FALSE(story["story"].get<std::string>().empty());
    EXPECT_EQ(story["request_id"], out["request_id"]);
  }
  EXPECT_EQ(methods, (std::set<std::string>{"semantic_kernel", "langchain", "langgraph"}));
  // Each framework's tokens are its own: the graph's two steps cost more than the kernel's one.
  EXPECT_GT(out["results"][2]["story"]["input_tokens"].get<int>(),
            out["results"][0]["story"]["input_tokens"].get<int>());
  EXPECT_EQ(client_.get("/api/stories").json()["total"], 3);
  EXPECT_EQ(client_.get("/api/cost/transactions?framework=graph").json()["transactions"].size(), 2u);
  EXPECT_EQ(write("/api/compare", {{"primary_character", "<script>x</script>"}}).status, 422);
}

}  // namespace
}  // namespace switchboard::test
