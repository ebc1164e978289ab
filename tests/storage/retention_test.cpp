// Retention on both stores: what is older than its rule goes, the rest stays, jobs count from
// completion (pending ones stay however old), the ledger's roll-up keeps its totals.
#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/retention.hpp>
#include <switchboard/storage/usage_ledger.hpp>

#include "store_fixture.hpp"

namespace switchboard::test {
namespace {

using namespace std::chrono;
using storage::Value;

std::string ago(system_clock::duration age) { return storage::utc_text(system_clock::now() - age); }

std::int64_t count(storage::Database& db, const std::string& table) {
  return db.query("SELECT COUNT(*) FROM " + table)[0].integer(0);
}

TEST_P(EachStore, RetentionDeletesOnlyWhatIsOlderThanItsRule) {
  auto db = open_fresh();
  storage::Migrator(*db).up();
  for (const auto& created : {ago(days(400)), ago(days(10))}) {
    db->query(
        "INSERT INTO stories (primary_character, secondary_character, combined_characters, story_content, method, "
        "created_at) VALUES ('a', 'b', 'a and b', 'text', 'chain', ?)",
        {created});
  }
  auto conversation = [&](const std::string& updated) {
    return db
        ->query(
            "INSERT INTO chat_conversations (title, method, created_at, updated_at) VALUES ('t', 'kernel', ?, ?) "
            "RETURNING id",
            {updated, updated})[0]
        .integer(0);
  };
  const auto stale = conversation(ago(days(100)));
  const auto active = conversation(ago(days(1)));
  for (auto [id, created] :
       {std::pair{stale, ago(days(100))}, std::pair{active, ago(days(95))}, std::pair{active, ago(days(1))}}) {
    db->query("INSERT INTO chat_messages (conversation_id, role, content, created_at) VALUES (?, 'user', 'hi', ?)",
              {id, created});
  }
  for (const auto& created : {ago(days(8)), ago(hours(1))}) {
    db->query(
        "INSERT INTO context_executions (original_filename, file_type, file_size_bytes, system_prompt, user_prompt, "
        "method, created_at) VALUES ('f.txt', 'txt', 3, 's', 'u', 'graph', ?)",
        {created});
  }
  for (const auto& [run, created] : {std::pair{"run_old", ago(days(8))}, std::pair{"run_new", ago(hours(1))}}) {
    db->query(
        "INSERT INTO graph_checkpoints (run_id, step, graph, status, state, next_nodes, metadata, created_at) "
        "VALUES (?, 1, 'story', 'done', '{}', '[]', '{}', ?)",
        {std::string(run), created});
  }
  int job = 0;
  for (const auto& [created, completed] : {std::pair<std::string, Value>{ago(days(3)), ago(hours(25))},
                                           {ago(days(3)), ago(hours(2))},
                                           {ago(days(30)), std::monostate{}}}) {
    db->query(
        "INSERT INTO jobs (id, job_type, status, request_params, created_at, completed_at) VALUES (?, 'analyze', ?, "
        "'{}', ?, ?)",
        {"job-" + std::to_string(job++),
         std::string(std::holds_alternative<std::monostate>(completed) ? "pending" : "completed"), created, completed});
  }
  storage::UsageLedger ledger(*db);
  storage::LedgerEntry old_call;
  old_call.operation = "chat_completion";
  old_call.framework = "gateway";
  old_call.provider = "p";
  old_call.model = "m";
  old_call.input_tokens = 10;
  old_call.cost_nanousd = 500;
  old_call.created_at = ago(days(40));
  storage::LedgerEntry new_call = old_call;
  new_call.created_at = ago(hours(1));
  ledger.append({old_call, new_call});

  RetentionConfig rules;  // seed defaults: stories 365 d, chat 90 d, context 7 d, jobs 24 h
  rules.ledger_days = 30;
  const auto report = storage::apply_retention(*db, rules);
  auto deleted = [&](const std::string& table) {
    for (const auto& [name, n] : report)
      if (name == table) return n;
    return std::int64_t{-1};
  };
  EXPECT_EQ(deleted("stories"), 1);
  EXPECT_EQ(count(*db, "stories"), 1);
  EXPECT_EQ(count(*db, "chat_conversations"), 1);  // the stale one, its message with it
  EXPECT_EQ(count(*db, "chat_messages"), 1);       // the active one's recent message
  EXPECT_EQ(count(*db, "context_executions"), 1);
  EXPECT_EQ(deleted("graph_checkpoints"), 1);  // 7 days by default
  EXPECT_EQ(count(*db, "graph_checkpoints"), 1);
  EXPECT_EQ(deleted("jobs"), 1);
  EXPECT_EQ(count(*db, "jobs"), 2);  // completed 2 h ago, and pending for 30 days
  EXPECT_EQ(deleted("usage_ledger"), 1);
  EXPECT_EQ(deleted("audit_events"), -1);  // 0 days: kept for ever, not swept
  // The roll-up keeps the deleted call's totals.
  const auto usage = ledger.usage("", ago(days(60)).substr(0, 10), ago(days(0)).substr(0, 10), "");
  EXPECT_EQ(usage.total.requests, 2);
  EXPECT_EQ(usage.total.cost_nanousd, 1000);

  EXPECT_EQ(storage::apply_retention(*db, rules)[0].second, 0);  // nothing left to delete
}

TEST_P(EachStore, RetentionRunsFromTheCommandLine) {
  const std::string url = fresh_url();
  auto before = run_switchboard({"retention", "run", "--data-dir", data_dir().string()}, {{"DATABASE_URL", url}});
  EXPECT_EQ(before.exit_code, 1) << before.output;  // no schema yet
  ASSERT_EQ(run_switchboard({"migrate", "up", "--data-dir", data_dir().string()}, {{"DATABASE_URL", url}}).exit_code,
            0);
  auto db = storage::open_database(url, data_dir());
  db->query(
      "INSERT INTO stories (primary_character, secondary_character, combined_characters, story_content, method, "
      "created_at) VALUES ('a', 'b', 'a and b', 'text', 'chain', ?)",
      {ago(days(366))});
  auto run = run_switchboard({"retention", "run", "--data-dir", data_dir().string()}, {{"DATABASE_URL", url}});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("stories"), std::string::npos) << run.output;
  EXPECT_EQ(count(*db, "stories"), 0);
}

}  // namespace
}  // namespace switchboard::test
