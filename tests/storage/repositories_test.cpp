// The content repositories on both stores: what is stored comes back whole, filters and
// orders hold, jobs are claimed exactly once under contention, and each owner (tenant)
// reads, lists, changes and deletes only its own objects.
#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include <switchboard/storage/api_keys.hpp>
#include <switchboard/storage/chats.hpp>
#include <switchboard/storage/checkpoints.hpp>
#include <switchboard/storage/context_executions.hpp>
#include <switchboard/storage/context_files.hpp>
#include <switchboard/storage/jobs.hpp>
#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/retention.hpp>
#include <switchboard/storage/schemas.hpp>
#include <switchboard/storage/stories.hpp>
#include <switchboard/storage/templates.hpp>
#include <switchboard/storage/usage_ledger.hpp>

#include "store_fixture.hpp"

namespace switchboard::test {
namespace {

using namespace switchboard::storage;

StoryQuery of_method(std::string method) {
  StoryQuery query;
  query.method = std::move(method);
  return query;
}
StoryQuery searching(std::string words) {
  StoryQuery query;
  query.search = std::move(words);
  return query;
}
StoryQuery with_character(std::string name) {
  StoryQuery query;
  query.character = std::move(name);
  return query;
}
Story ada_and_bob() {
  Story story;
  story.primary_character = "Ada";
  story.secondary_character = "Bob";
  story.combined_characters = "Ada and Bob";
  story.content = "Once";
  return story;
}
StoryQuery page(int limit, int offset) {
  StoryQuery query;
  query.limit = limit;
  query.offset = offset;
  return query;
}

class Repositories : public EachStore {
 protected:
  void SetUp() override {
    db_ = open_fresh();
    Migrator(*db_).up();
  }
  std::unique_ptr<Database> db_;
};

TEST_P(Repositories, StoriesComeBackWholeAndFilter) {
  StoryRepository stories(*db_);
  Story first;
  first.primary_character = "Ada";
  first.secondary_character = "Grace";
  first.combined_characters = "Ada and Grace";
  first.content = "Once upon a time, 100% true — ✓";
  first.method = "chain";
  first.provider = "mock";
  first.model = "mock-gpt";
  first.generation_time_ms = 12.5;
  first.input_tokens = 40;
  first.output_tokens = 300;
  first.cost_nanousd = 123'456;
  first.transaction_guid = "550e8400-e29b-41d4-a716-446655440000";
  first.created_at = "2026-01-02T03:04:05.000006Z";
  const auto id = stories.create(first);
  Story second = first;
  second.combined_characters = "Bob and Eve";
  second.content = "Another tale";
  second.method = "graph";
  second.created_at = "2026-01-03T00:00:00.000000Z";
  stories.create(second);

  auto got = stories.get(id, "");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->content, first.content);
  EXPECT_EQ(got->combined_characters, "Ada and Grace");
  EXPECT_EQ(got->cost_nanousd, 123'456);
  EXPECT_DOUBLE_EQ(got->generation_time_ms, 12.5);
  EXPECT_EQ(got->created_at, first.created_at);
  EXPECT_FALSE(stories.get(id + 100, ""));

  EXPECT_EQ(stories.list({}).size(), 2u);
  EXPECT_EQ(stories.list({})[0].method, "graph");  // newest first
  EXPECT_EQ(stories.count(of_method("chain")), 1);
  EXPECT_EQ(stories.count(searching("ada")), 1);   // case-insensitive
  EXPECT_EQ(stories.count(searching("100%")), 1);  // % is literal
  EXPECT_EQ(stories.count(searching("1_0")), 0);   // _ is literal
  EXPECT_EQ(stories.list(page(1, 1)).size(), 1u);
  EXPECT_EQ(stories.count(with_character("GRACE")), 1);  // by character, case-insensitive
  EXPECT_EQ(stories.count(with_character("Once")), 0);   // not in the characters
  EXPECT_TRUE(stories.remove(id, ""));
  EXPECT_FALSE(stories.remove(id, ""));
  EXPECT_EQ(stories.count({}), 1);
  EXPECT_EQ(stories.remove_all(""), 1);
  EXPECT_EQ(stories.count({}), 0);
}

// The list's `total` comes from counts kept by triggers (migration 0008): they must match the
// table after every kind of write — one story, many at once, retention's chunks, delete all.
TEST_P(Repositories, StoryTotalsMatchTheTableAfterEveryWrite) {
  StoryRepository stories(*db_);
  auto expect_totals_match = [&](const char* after) {
    EXPECT_EQ(stories.count({}), db_->query("SELECT COUNT(*) FROM stories")[0].integer(0)) << after;
    for (const char* method : {"chain", "graph", "kernel", "none"}) {
      EXPECT_EQ(stories.count(of_method(method)),
                db_->query("SELECT COUNT(*) FROM stories WHERE method = ?", {std::string(method)})[0].integer(0))
          << after << ", " << method;
    }
  };
  Story story = ada_and_bob();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 30; ++i) {
    story.method = i % 3 == 0 ? "chain" : i % 3 == 1 ? "graph" : "kernel";
    story.created_at = (i < 12 ? "2020-01-01T00:00:" : "2026-01-01T00:00:") + std::to_string(10 + i) + ".000000Z";
    ids.push_back(stories.create(story));
  }
  EXPECT_EQ(stories.count({}), 30);
  EXPECT_EQ(stories.count(of_method("graph")), 10);
  expect_totals_match("30 created");
  EXPECT_TRUE(stories.remove(ids[1], ""));
  EXPECT_EQ(stories.count(of_method("graph")), 9);
  expect_totals_match("one removed");
  db_->query(
      "INSERT INTO stories (primary_character, secondary_character, combined_characters, story_content, method, "
      "created_at) SELECT primary_character, secondary_character, combined_characters, story_content, 'kernel', "
      "created_at FROM stories WHERE method = 'chain'");
  expect_totals_match("ten copied in one statement");
  db_->query("UPDATE stories SET method = 'graph' WHERE id = ?", {ids[2]});
  expect_totals_match("one moved to another framework");
  switchboard::RetentionConfig retention;
  retention.stories_days = 365;
  const auto swept = apply_retention(*db_, retention, std::chrono::system_clock::now());
  ASSERT_FALSE(swept.empty());
  EXPECT_GT(swept[0].second, 0);
  expect_totals_match("retention swept the old ones");
  const auto left = db_->query("SELECT COUNT(*) FROM stories")[0].integer(0);
  EXPECT_EQ(stories.remove_all(""), left);
  EXPECT_EQ(stories.count({}), 0);
  expect_totals_match("all removed");
}

// Keyset paging on both engines: newest first by time, then by id among stories of the same
// microsecond; each cursor continues exactly after the story it names.
TEST_P(Repositories, StoryPagesByCursorMissAndRepeatNothing) {
  StoryRepository stories(*db_);
  Story story = ada_and_bob();
  for (int i = 0; i < 9; ++i) {
    story.method = i % 2 ? "chain" : "graph";
    story.created_at = "2026-01-0" + std::to_string(1 + i / 3) + "T00:00:00.000000Z";  // three per time
    stories.create(story);
  }
  const auto all = stories.list({});
  ASSERT_EQ(all.size(), 9u);
  std::vector<std::int64_t> paged;
  StoryQuery query;
  query.limit = 2;
  for (;;) {
    const auto page = stories.list(query);
    for (const auto& s : page) paged.push_back(s.id);
    if (page.size() < 2) break;
    query.before = StoryCursor{page.back().created_at, page.back().id};
  }
  std::vector<std::int64_t> expected;
  for (const auto& s : all) expected.push_back(s.id);
  EXPECT_EQ(paged, expected);
  EXPECT_EQ(stories.count(query), 9);  // the cursor does not narrow the total
  query = {};
  query.method = "chain";
  query.before = StoryCursor{all[4].created_at, all[4].id};
  const auto older_chains = stories.list(query);
  for (const auto& s : older_chains) EXPECT_EQ(s.method, "chain");
  EXPECT_EQ(older_chains.size(), static_cast<std::size_t>(std::count_if(
                                     all.begin() + 5, all.end(), [](const Story& s) { return s.method == "chain"; })));
}

// Search by character goes through each engine's index of the names (migration 0009), which
// must follow every write and keep LIKE's meaning: case-insensitive, wildcards literal.
TEST_P(Repositories, CharacterSearchFollowsEveryWrite) {
  StoryRepository stories(*db_);
  auto named = [&](const std::string& first, const std::string& second) {
    Story story = ada_and_bob();
    story.primary_character = first;
    story.secondary_character = second;
    story.combined_characters = first + " and " + second;
    story.method = "chain";
    return stories.create(story);
  };
  const auto ada = named("Ada", "Bob");
  named("Grace", "Ada");
  named("100% Hero", "a_b");
  named("Al", "Zoë");
  EXPECT_EQ(stories.count(with_character("ada")), 2);
  EXPECT_EQ(stories.count(with_character("ADA AND")), 1);
  EXPECT_EQ(stories.count(with_character("Al")), 1);  // shorter than a trigram
  EXPECT_EQ(stories.count(with_character("l")), 1);
  EXPECT_EQ(stories.count(with_character("100%")), 1);
  EXPECT_EQ(stories.count(with_character("1_0")), 0);  // _ is literal
  EXPECT_EQ(stories.count(with_character("a_b")), 1);
  EXPECT_EQ(stories.count(with_character("%")), 1);
  EXPECT_EQ(stories.count(with_character("Zoë")), 1);
  EXPECT_EQ(stories.list(with_character("grace")).at(0).combined_characters, "Grace and Ada");
  EXPECT_TRUE(stories.remove(ada, ""));
  EXPECT_EQ(stories.count(with_character("ada")), 1);
  EXPECT_EQ(stories.count(with_character("bob")), 0);
  db_->query("UPDATE stories SET combined_characters = 'Grace and Lovelace' WHERE combined_characters = ?",
             {std::string("Grace and Ada")});
  EXPECT_EQ(stories.count(with_character("ada")), 0);
  EXPECT_EQ(stories.count(with_character("lovelace")), 1);
  if (GetParam() == Dialect::sqlite) {  // the names' index answers, not a scan of the stories
    std::string plan;
    for (const auto& row : db_->query("EXPLAIN QUERY PLAN SELECT id FROM stories WHERE id IN (SELECT rowid FROM "
                                      "story_characters WHERE combined_characters LIKE '%lovelace%')"))
      plan += row.text(3) + "\n";
    EXPECT_NE(plan.find("VIRTUAL TABLE INDEX 0:L"), std::string::npos) << plan;
  }
  EXPECT_EQ(stories.remove_all(""), 3);
  EXPECT_EQ(stories.count(with_character("a")), 0);
}

// Stories written before the counts existed are counted when the step adds them.
TEST_P(Repositories, StoriesWrittenBeforeTheCountsAreCounted) {
  Migrator migrator(*db_);
  constexpr int kBeforeCounts = 7;
  migrator.down(migrator.current_version() - kBeforeCounts);
  ASSERT_EQ(migrator.current_version(), kBeforeCounts);
  for (const char* method : {"chain", "chain", "graph"}) {
    db_->query(
        "INSERT INTO stories (primary_character, secondary_character, combined_characters, story_content, method, "
        "created_at) VALUES ('A', 'B', 'A and B', 'Once', ?, ?)",
        {std::string(method), utc_now()});
  }
  migrator.up();
  StoryRepository stories(*db_);
  EXPECT_EQ(stories.count({}), 3);
  EXPECT_EQ(stories.count(of_method("chain")), 2);
  EXPECT_EQ(stories.count(of_method("graph")), 1);
}

// What was stored before owners existed is the empty owner's (single-user mode) after 0010 —
// templates still linked to their schemas, stories and usage still counted — and the step
// goes down again without losing a row.
TEST_P(Repositories, ObjectsStoredBeforeOwnersAreTheEmptyOwners) {
  Migrator migrator(*db_);
  constexpr int kBeforeOwners = 9;
  migrator.down(migrator.current_version() - kBeforeOwners);
  ASSERT_EQ(migrator.current_version(), kBeforeOwners);
  const std::string now = utc_now();
  db_->query(
      "INSERT INTO schemas (id, name, schema_definition, version, created_at, updated_at) "
      "VALUES ('s1', 'invoice', '{}', 1, ?, ?)",
      {now, now});
  db_->query(
      "INSERT INTO prompt_templates (id, name, template_text, schema_id, created_at, updated_at) "
      "VALUES ('t1', 'extract', 'Extract', 's1', ?, ?)",
      {now, now});
  db_->query(
      "INSERT INTO stories (primary_character, secondary_character, combined_characters, story_content, method, "
      "created_at) VALUES ('A', 'B', 'A and B', 'Once', 'chain', ?)",
      {now});
  LedgerEntry call;
  call.operation = "story";
  call.framework = "chain";
  call.provider = "mock";
  call.model = "m";
  call.cost_nanousd = 5;
  call.created_at = now;
  db_->query("INSERT INTO usage_daily (day, framework, requests, tokens, cost_nanousd) VALUES (?, 'chain', 1, 0, 5)",
             {now.substr(0, 10)});

  migrator.up();
  const auto linked = TemplateRepository(*db_).get("", "extract");
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->schema_id, "s1");
  EXPECT_EQ(SchemaRepository(*db_).get_by_id("", "s1")->name, "invoice");
  StoryRepository stories(*db_);
  EXPECT_EQ(stories.count({}), 1);
  EXPECT_EQ(stories.count(of_method("chain")), 1);
  UsageLedger ledger(*db_);
  ledger.append({call});  // the roll-up row of the empty owner grows
  const auto usage = ledger.usage("", now.substr(0, 10), now.substr(0, 10), "");
  EXPECT_EQ(usage.total.requests, 2);
  EXPECT_EQ(usage.total.cost_nanousd, 10);

  migrator.down();
  ASSERT_EQ(migrator.current_version(), kBeforeOwners);
  EXPECT_EQ(db_->query("SELECT schema_id FROM prompt_templates WHERE name = 'extract'")[0].text(0), "s1");
  EXPECT_EQ(db_->query("SELECT SUM(stories) FROM story_counts")[0].integer(0), 1);
  EXPECT_EQ(db_->query("SELECT SUM(requests) FROM usage_daily")[0].integer(0), 2);
  migrator.up();
}

TEST_P(Repositories, ChatsKeepMessagesInOrderAndDeleteWithTheirConversation) {
  ChatRepository chats(*db_);
  const auto older = chats.create_conversation({0, "", "first", "kernel", "mock", "m", "", "", "", 0});
  const auto newer = chats.create_conversation({0, "", "second", "chain", "mock", "m", "", "", "", 0});
  ChatMessage message;
  message.conversation_id = older;
  message.role = "user";
  message.content = "hello";
  ASSERT_TRUE(chats.add_message(message, ""));
  message.role = "assistant";
  message.content = "hi there";
  message.output_tokens = 3;
  ASSERT_TRUE(chats.add_message(message, ""));
  message.conversation_id = 999'999;
  EXPECT_FALSE(chats.add_message(message, ""));  // no such conversation

  auto messages = chats.messages(older, "");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].role, "user");
  EXPECT_EQ(messages[1].content, "hi there");
  auto listed = chats.conversations("", 10, 0);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, older);  // touched by its messages: most recently updated
  EXPECT_EQ(listed[0].message_count, 2);
  EXPECT_EQ(listed[1].id, newer);
  EXPECT_TRUE(chats.remove_conversation(older, ""));
  EXPECT_TRUE(chats.messages(older, "").empty());
  EXPECT_FALSE(chats.conversation(older, ""));
  EXPECT_TRUE(chats.conversation(newer, ""));
}

TEST_P(Repositories, ContextExecutionsComeBackWhole) {
  ContextExecutionRepository executions(*db_);
  ContextExecution e;
  e.original_filename = "report.pdf";
  e.file_type = "pdf";
  e.file_size_bytes = 1'048'576;
  e.system_prompt = "You analyze documents";
  e.user_prompt = "Summarize";
  e.llm_response = "Three points";
  e.method = "chain";
  e.total_execution_time_ms = 3691.34;
  e.user_ip = "127.0.0.1";
  const auto id = executions.create(e);
  auto got = executions.get(id, "");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->file_size_bytes, 1'048'576);
  EXPECT_EQ(got->llm_response, "Three points");
  EXPECT_DOUBLE_EQ(got->total_execution_time_ms, 3691.34);
  EXPECT_EQ(got->status, "completed");
  EXPECT_FALSE(got->completed_at.empty());
  EXPECT_EQ(executions.list("", 10, 0).size(), 1u);
}

TEST_P(Repositories, EachJobIsClaimedExactlyOnce) {
  JobRepository jobs(*db_);
  std::set<std::string> submitted;
  for (int i = 0; i < 60; ++i) {
    Job job;
    job.job_type = "analyze";
    job.request_params = {{"n", i}, {"text", "é ✓"}};
    submitted.insert(jobs.create(job));
  }
  std::mutex mutex;
  std::multiset<std::string> claimed;
  std::vector<std::thread> workers;
  for (int w = 0; w < 6; ++w) {
    workers.emplace_back([&] {
      while (auto job = jobs.claim_next()) {
        EXPECT_EQ(job->status, "processing");
        EXPECT_FALSE(job->started_at.empty());
        EXPECT_TRUE(jobs.complete(job->id, {{"done", job->request_params["n"]}}, ""));
        std::lock_guard lock(mutex);
        claimed.insert(job->id);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(claimed.size(), submitted.size());
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()), submitted);  // none twice, none missed
  const auto done = jobs.get(*submitted.begin(), "");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(done->result["done"], done->request_params["n"]);
  EXPECT_EQ(done->request_params["text"], "é ✓");
  EXPECT_FALSE(jobs.complete(done->id, {}, ""));  // only a processing job completes

  Job failing;
  failing.job_type = "batch";
  failing.api_key_id = "";
  const auto id = jobs.create(failing);
  EXPECT_TRUE(jobs.fail(id, "upstream down", ""));
  EXPECT_EQ(jobs.get(id, "")->error_message, "upstream down");
  EXPECT_EQ(jobs.list("", "failed", 10).size(), 1u);
  EXPECT_EQ(jobs.list("", "completed", 100).size(), 60u);
  EXPECT_FALSE(jobs.claim_next());
}

// A job whose worker stopped beating is taken up again, and fails once started too often;
// finishing a job with a webhook makes its delivery due; expired finished jobs are deleted.
TEST_P(Repositories, StaleJobsResumeWebhooksFallDueExpiredJobsGo) {
  JobRepository jobs(*db_);
  Job job;
  job.job_type = "analyze";
  job.webhook_url = "http://127.0.0.1:9/hook";
  const auto id = jobs.create(job);
  ASSERT_TRUE(jobs.claim_next());
  const std::string future = "2999-01-01T00:00:00.000000Z";
  const std::string past = "2000-01-01T00:00:00.000000Z";
  EXPECT_EQ(jobs.requeue_stale(past, 3).requeued, 0);  // its heart beats: nothing to do
  auto report = jobs.requeue_stale(future, 3);
  EXPECT_EQ(report.requeued, 1);
  EXPECT_EQ(report.failed, 0);
  EXPECT_EQ(jobs.get(id, "")->status, "pending");
  ASSERT_TRUE(jobs.claim_next());
  EXPECT_EQ(jobs.get(id, "")->attempts, 2);
  ASSERT_TRUE(jobs.claim_next() == std::nullopt);
  EXPECT_TRUE(jobs.webhooks_due(10).empty());  // not finished yet
  EXPECT_TRUE(jobs.complete(id, {{"ok", true}}, past));
  const auto due = jobs.webhooks_due(10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, id);
  EXPECT_EQ(due[0].webhook_status, "pending");
  jobs.record_webhook(id, "delivered", 3);
  EXPECT_TRUE(jobs.webhooks_due(10).empty());
  EXPECT_EQ(jobs.get(id, "")->webhook_attempts, 3);

  Job tired;
  tired.job_type = "analyze";
  const auto tired_id = jobs.create(tired);
  ASSERT_TRUE(jobs.claim_next());
  report = jobs.requeue_stale(future, 1);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(jobs.get(tired_id, "")->status, "failed");
  EXPECT_EQ(jobs.get(tired_id, "")->webhook_status, "");  // no webhook: nothing due

  EXPECT_EQ(jobs.delete_expired("2001-01-01T00:00:00.000000Z"), 1);  // the completed one, expired in 2000
  EXPECT_FALSE(jobs.get(id, ""));
  EXPECT_TRUE(jobs.get(tired_id, ""));  // expires_at not set: kept
}

TEST_P(Repositories, ApiKeysAreFoundByHashOnly) {
  ApiKeyRepository keys(*db_);
  ApiKey key;
  key.key_hash = std::string(64, 'a');
  key.name = "ci";
  key.team = "platform";
  key.rate_limit_per_hour = 50;
  const auto id = keys.create(key);
  EXPECT_THROW(keys.create(key), StorageError);  // the same hash twice
  auto found = keys.find(key.key_hash);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->rate_limit_per_hour, 50);
  EXPECT_TRUE(found->active);
  EXPECT_FALSE(keys.find(std::string(64, 'b')));
  EXPECT_FALSE(keys.find_by_hash(std::string(64, 'b')));
  EXPECT_TRUE(keys.set_active(id, false));
  EXPECT_FALSE(keys.find(key.key_hash)->active);
  EXPECT_FALSE(keys.find_by_hash(key.key_hash)->active);  // as the auth middleware sees it
  // By its id, as the rate limiter reads a principal's rate_limit_per_hour.
  const auto by_id = keys.find_key(id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->name, "ci");
  EXPECT_EQ(by_id->rate_limit_per_hour, 50);
  EXPECT_FALSE(keys.find_key("no-such-id"));
  EXPECT_EQ(keys.list().size(), 1u);
}

TEST_P(Repositories, SchemasAreVersionedByName) {
  SchemaRepository schemas(*db_);
  StoredSchema person;
  person.name = "person";
  person.definition = {{"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}};
  EXPECT_EQ(schemas.add_version(person).version, 1);
  person.definition["required"] = {"name"};
  EXPECT_EQ(schemas.add_version(person).version, 2);
  StoredSchema invoice;
  invoice.name = "invoice";
  invoice.is_public = true;
  schemas.add_version(invoice);
  EXPECT_EQ(schemas.get("", "person")->version, 2);
  EXPECT_EQ(schemas.get("", "person")->definition["required"][0], "name");
  EXPECT_FALSE(schemas.get("", "person", 1)->definition.contains("required"));
  EXPECT_FALSE(schemas.get("", "nobody"));
  auto latest = schemas.latest_versions("");
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].name, "invoice");
  EXPECT_TRUE(latest[0].is_public);
  EXPECT_EQ(latest[1].version, 2);
}

TEST_P(Repositories, DeletingASchemaHidesEveryVersionAndNeverReusesANumber) {
  SchemaRepository schemas(*db_);
  StoredSchema person;
  person.name = "person";
  const auto first = schemas.add_version(person);
  schemas.add_version(person);
  StoredSchema other;
  other.name = "other";
  schemas.add_version(other);
  ASSERT_EQ(schemas.versions("", "person").size(), 2u);
  EXPECT_EQ(schemas.versions("", "person")[0].version, 1);
  EXPECT_EQ(schemas.versions("", "person")[1].version, 2);

  EXPECT_TRUE(schemas.remove("", "person"));
  EXPECT_FALSE(schemas.remove("", "person"));  // nothing left to hide
  EXPECT_FALSE(schemas.remove("", "nobody"));
  EXPECT_FALSE(schemas.get("", "person"));
  EXPECT_FALSE(schemas.get("", "person", 1));
  EXPECT_TRUE(schemas.versions("", "person").empty());
  ASSERT_EQ(schemas.latest_versions("").size(), 1u);
  EXPECT_EQ(schemas.latest_versions("")[0].name, "other");
  // The row stays for whoever links it by id.
  const auto kept = schemas.get_by_id("", first.id);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->version, 1);
  EXPECT_FALSE(kept->deleted_at.empty());
  EXPECT_TRUE(schemas.get("", "other")->deleted_at.empty());

  EXPECT_EQ(schemas.add_version(person).version, 3);
  EXPECT_EQ(schemas.get("", "person")->version, 3);
  EXPECT_EQ(schemas.versions("", "person").size(), 1u);
}

TEST_P(Repositories, TemplatesAreCreatedOncePerNameUpdatedAndDeleted) {
  StoredSchema invoice;
  invoice.name = "invoice";
  const auto schema = SchemaRepository(*db_).add_version(invoice);
  TemplateRepository templates(*db_);
  StoredTemplate extract;
  extract.name = "extract";
  extract.description = "Pulls fields — ✓";
  extract.template_text = "Extract {fields} from {document}";
  extract.parameters = {"fields", "document"};
  extract.example_usage = {{"fields", "amount"}, {"document", "Invoice #1"}};
  extract.schema_id = schema.id;
  extract.is_public = true;
  const auto created = templates.create(extract);
  ASSERT_TRUE(created);
  EXPECT_FALSE(created->id.empty());
  EXPECT_FALSE(created->created_at.empty());
  EXPECT_FALSE(templates.create(extract)) << "the name is taken";

  const auto got = templates.get("", "extract");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, created->id);
  EXPECT_EQ(got->description, "Pulls fields — ✓");
  EXPECT_EQ(got->template_text, "Extract {fields} from {document}");
  EXPECT_EQ(got->parameters, (std::vector<std::string>{"fields", "document"}));
  EXPECT_EQ(got->example_usage["document"], "Invoice #1");
  EXPECT_EQ(got->schema_id, schema.id);
  EXPECT_TRUE(got->is_public);
  EXPECT_FALSE(templates.get("", "missing"));

  StoredTemplate plain;
  plain.name = "apology";
  plain.template_text = "Say sorry";
  ASSERT_TRUE(templates.create(plain));
  const auto list = templates.list("");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "apology");
  EXPECT_TRUE(list[0].example_usage.is_null());
  EXPECT_TRUE(list[0].schema_id.empty());
  EXPECT_TRUE(list[0].parameters.empty());

  StoredTemplate changed = extract;
  changed.template_text = "Extract {fields}";
  changed.parameters = {"fields"};
  changed.schema_id.clear();
  changed.example_usage = nullptr;
  const auto updated = templates.update(changed);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->id, created->id);
  EXPECT_EQ(updated->created_at, created->created_at);
  const auto after = templates.get("", "extract");
  EXPECT_EQ(after->template_text, "Extract {fields}");
  EXPECT_EQ(after->parameters, std::vector<std::string>{"fields"});
  EXPECT_TRUE(after->schema_id.empty());
  EXPECT_TRUE(after->example_usage.is_null());
  StoredTemplate nobody;
  nobody.name = "nobody";
  nobody.template_text = "x";
  EXPECT_FALSE(templates.update(nobody));

  EXPECT_TRUE(templates.remove("", "extract"));
  EXPECT_FALSE(templates.remove("", "extract"));
  EXPECT_FALSE(templates.get("", "extract"));
  EXPECT_TRUE(templates.create(extract)) << "a deleted name is free again";
}

TEST_P(Repositories, CheckpointsKeepEachStepAndAnswerTheNewest) {
  CheckpointRepository checkpoints(*db_, [] { return std::string(); });
  EXPECT_FALSE(checkpoints.latest("run_a"));
  plugin::Checkpoint step;
  step.run_id = "run_a";
  step.graph = "story";
  step.step = 1;
  step.state = {{"draft", "Once — ✓"}, {"messages", nlohmann::json::array({{{"role", "user"}}})}};
  step.next = {"editor", "reviewer"};
  step.status = "running";
  step.metadata = {{"workflow", "story"}};
  checkpoints.save(step);
  step.step = 2;
  step.state["story"] = "The end";
  step.next.clear();
  step.status = "failed";
  checkpoints.save(step);
  step.status = "done";  // the same step saved again replaces it
  checkpoints.save(step);
  plugin::Checkpoint other = step;
  other.run_id = "run_b";
  other.step = 9;
  checkpoints.save(other);

  auto latest = checkpoints.latest("run_a");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->step, 2);
  EXPECT_EQ(latest->status, "done");
  EXPECT_EQ(latest->graph, "story");
  EXPECT_EQ(latest->state, step.state);
  EXPECT_TRUE(latest->next.empty());
  EXPECT_EQ(latest->metadata, step.metadata);
  EXPECT_EQ(db_->query("SELECT COUNT(*) FROM graph_checkpoints WHERE run_id = ?", {std::string("run_a")})[0].integer(0),
            2);
  step.step = 1;
  step.next = {"editor"};
  checkpoints.save(step);  // an older step does not become the newest
  EXPECT_EQ(checkpoints.latest("run_a")->step, 2);
}

// Tenant isolation in the queries themselves: one owner's objects are not found, listed,
// counted, changed or deleted through another owner, and names are per owner.
TEST_P(Repositories, StoriesAndConversationsAreTheirOwners) {
  StoryRepository stories(*db_);
  Story mine = ada_and_bob();
  mine.owner = "key:a";
  mine.method = "chain";
  const auto my_story = stories.create(mine);
  Story theirs = mine;
  theirs.owner = "team:b";
  const auto their_story = stories.create(theirs);
  EXPECT_TRUE(stories.get(my_story, "key:a"));
  EXPECT_FALSE(stories.get(my_story, "team:b"));
  EXPECT_FALSE(stories.get(my_story, ""));
  StoryQuery as_a;
  as_a.owner = "key:a";
  ASSERT_EQ(stories.list(as_a).size(), 1u);
  EXPECT_EQ(stories.list(as_a)[0].id, my_story);
  EXPECT_EQ(stories.list(as_a)[0].owner, "key:a");
  EXPECT_EQ(stories.count(as_a), 1);  // the kept counts are per owner
  as_a.method = "chain";
  EXPECT_EQ(stories.count(as_a), 1);
  as_a.method.clear();
  as_a.search = "once";
  EXPECT_EQ(stories.count(as_a), 1);
  as_a.search.clear();
  as_a.character = "ada";
  EXPECT_EQ(stories.list(as_a).size(), 1u);
  EXPECT_EQ(stories.count({}), 0);  // the empty owner has none
  EXPECT_FALSE(stories.remove(their_story, "key:a"));
  EXPECT_EQ(stories.remove_all("key:a"), 1);
  EXPECT_TRUE(stories.get(their_story, "team:b")) << "deleting all is deleting one's own";

  ChatRepository chats(*db_);
  Conversation conversation;
  conversation.owner = "key:a";
  conversation.title = "mine";
  conversation.method = "chain";
  const auto id = chats.create_conversation(conversation);
  ChatMessage message;
  message.conversation_id = id;
  message.role = "user";
  message.content = "secret";
  ASSERT_TRUE(chats.add_message(message, "key:a"));
  EXPECT_FALSE(chats.add_message(message, "team:b")) << "nobody continues another's conversation";
  EXPECT_FALSE(chats.conversation(id, "team:b"));
  EXPECT_TRUE(chats.messages(id, "team:b").empty());
  EXPECT_TRUE(chats.conversations("team:b", 10, 0).empty());
  EXPECT_FALSE(chats.remove_conversation(id, "team:b"));
  ASSERT_TRUE(chats.conversation(id, "key:a"));
  EXPECT_EQ(chats.conversation(id, "key:a")->message_count, 1);
  EXPECT_EQ(chats.messages(id, "key:a").size(), 1u);
  EXPECT_EQ(chats.conversations("key:a", 10, 0).size(), 1u);
}

TEST_P(Repositories, ContextJobsAndCheckpointsAreTheirOwners) {
  ContextFileRepository files(*db_);
  ContextFile file;
  file.id = "ctx_mine";
  file.owner = "key:a";
  file.filename = "notes.txt";
  file.file_type = "txt";
  file.content = "private";
  files.create(file);
  EXPECT_TRUE(files.get("ctx_mine", "key:a"));
  EXPECT_FALSE(files.get("ctx_mine", "key:b"));

  ContextExecutionRepository executions(*db_);
  ContextExecution run;
  run.owner = "key:a";
  run.original_filename = "notes.txt";
  run.file_type = "txt";
  run.system_prompt = "s";
  run.user_prompt = "u";
  run.method = "chain";
  const auto run_id = executions.create(run);
  EXPECT_EQ(executions.get(run_id, "key:a")->owner, "key:a");
  EXPECT_FALSE(executions.get(run_id, "key:b"));
  EXPECT_EQ(executions.list("key:a", 10, 0).size(), 1u);
  EXPECT_TRUE(executions.list("key:b", 10, 0).empty());

  JobRepository jobs(*db_);
  Job job;
  job.job_type = "analyze";
  job.owner = "jwt:issuer:ada";
  const auto job_id = jobs.create(job);
  EXPECT_EQ(jobs.get(job_id, "jwt:issuer:ada")->owner, "jwt:issuer:ada");
  EXPECT_FALSE(jobs.get(job_id, "jwt:other:ada"));
  EXPECT_EQ(jobs.list("jwt:issuer:ada", "", 10).size(), 1u);
  EXPECT_TRUE(jobs.list("jwt:other:ada", "", 10).empty());
  EXPECT_TRUE(jobs.list("", "pending", 10).empty());

  std::string owner = "key:a";
  CheckpointRepository checkpoints(*db_, [&owner] { return owner; });
  plugin::Checkpoint step;
  step.run_id = "run_mine";
  step.graph = "story";
  step.step = 1;
  step.status = "running";
  checkpoints.save(step);
  EXPECT_TRUE(checkpoints.latest("run_mine"));
  owner = "key:b";
  EXPECT_FALSE(checkpoints.latest("run_mine")) << "another owner cannot resume the run";
}

TEST_P(Repositories, SchemaAndTemplateNamesArePerOwner) {
  SchemaRepository schemas(*db_);
  StoredSchema person;
  person.owner = "key:a";
  person.name = "person";
  const auto mine = schemas.add_version(person);
  EXPECT_EQ(schemas.add_version(person).version, 2);
  person.owner = "key:b";
  EXPECT_EQ(schemas.add_version(person).version, 1) << "versions count per owner";
  EXPECT_EQ(schemas.get("key:a", "person")->version, 2);
  EXPECT_EQ(schemas.get("key:b", "person")->version, 1);
  EXPECT_FALSE(schemas.get("key:c", "person"));
  EXPECT_FALSE(schemas.get_by_id("key:b", mine.id));
  EXPECT_TRUE(schemas.get_by_id("key:a", mine.id));
  EXPECT_EQ(schemas.versions("key:a", "person").size(), 2u);
  EXPECT_TRUE(schemas.latest_versions("key:c").empty());
  EXPECT_FALSE(schemas.remove("key:c", "person"));
  EXPECT_TRUE(schemas.remove("key:a", "person"));
  EXPECT_TRUE(schemas.get("key:b", "person")) << "removing one's own name leaves the other's";

  TemplateRepository templates(*db_);
  StoredTemplate extract;
  extract.owner = "key:a";
  extract.name = "extract";
  extract.template_text = "mine";
  ASSERT_TRUE(templates.create(extract));
  extract.owner = "key:b";
  extract.template_text = "theirs";
  ASSERT_TRUE(templates.create(extract)) << "the name is taken only for its owner";
  EXPECT_FALSE(templates.create(extract));
  EXPECT_EQ(templates.get("key:a", "extract")->template_text, "mine");
  EXPECT_EQ(templates.list("key:a").size(), 1u);
  EXPECT_TRUE(templates.list("key:c").empty());
  extract.owner = "key:c";
  EXPECT_FALSE(templates.update(extract)) << "nobody changes another's template";
  EXPECT_FALSE(templates.remove("key:c", "extract"));
  EXPECT_TRUE(templates.remove("key:b", "extract"));
  EXPECT_EQ(templates.get("key:a", "extract")->template_text, "mine");
}

TEST_P(Repositories, UsageReportsAreTheirOwners) {
  UsageLedger ledger(*db_);
  LedgerEntry call;
  call.operation = "story";
  call.framework = "chain";
  call.provider = "mock";
  call.model = "m";
  call.input_tokens = 10;
  call.output_tokens = 5;
  call.cost_nanousd = 1000;
  call.created_at = "2026-03-04T05:06:07.000000Z";
  call.owner = "key:a";
  LedgerEntry other = call;
  other.owner = "key:b";
  other.cost_nanousd = 7;
  ledger.append({call, call, other});
  const auto mine = ledger.usage("key:a", "2026-03-01", "2026-03-31", "");
  EXPECT_EQ(mine.total.requests, 2);
  EXPECT_EQ(mine.total.cost_nanousd, 2000);
  EXPECT_EQ(ledger.usage("key:b", "2026-03-01", "2026-03-31", "").total.cost_nanousd, 7);
  EXPECT_EQ(ledger.usage("", "2026-03-01", "2026-03-31", "").total.requests, 0);
  ASSERT_EQ(ledger.transactions("key:b", 10, "").size(), 1u);
  EXPECT_EQ(ledger.transactions("key:b", 10, "")[0].entry.owner, "key:b");
  EXPECT_EQ(ledger.transactions("key:a", 10, "chain").size(), 2u);
  EXPECT_TRUE(ledger.transactions("key:c", 10, "").empty());
}

INSTANTIATE_TEST_SUITE_P(Storage, Repositories, ::testing::Values(storage::Dialect::sqlite, storage::Dialect::postgres),
                         engine_name);

}  // namespace
}  // namespace switchboard::test
