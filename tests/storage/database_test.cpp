// The SQL seam on both engines: values round-trip, transactions commit or roll back whole,
// many threads write at once without "database is locked", and migrations go up, down and up
// again, refusing a database newer than the binary.
#include <regex>
#include <thread>

#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/stories.hpp>

#include "store_fixture.hpp"

namespace switchboard::test {
namespace {

using storage::Value;

TEST_P(EachStore, ValuesRoundTrip) {
  auto db = open_fresh();
  EXPECT_EQ(db->dialect(), GetParam());
  db->query("CREATE TABLE t (i BIGINT, r DOUBLE PRECISION, s TEXT, n TEXT)");
  const std::string text = "quote ' and \"double\", émoji ✓, ? mark";
  db->query("INSERT INTO t (i, r, s, n) VALUES (?, ?, ?, ?)",
            {std::int64_t{9'000'000'000'123}, 2.5, text, std::monostate{}});
  auto rows = db->query("SELECT i, r, s, n FROM t WHERE s = ?", {text});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].integer(0), 9'000'000'000'123);
  EXPECT_DOUBLE_EQ(rows[0].real(1), 2.5);
  EXPECT_EQ(rows[0].text(2), text);
  EXPECT_TRUE(rows[0].is_null(3));
  EXPECT_TRUE(db->query("SELECT i FROM t WHERE s = ?", {std::string("other")}).empty());
}

TEST_P(EachStore, ATransactionCommitsWholeOrNotAtAll) {
  auto db = open_fresh();
  db->query("CREATE TABLE t (i BIGINT)");
  db->transaction([](storage::Session& s) {
    s.query("INSERT INTO t (i) VALUES (?)", {std::int64_t{1}});
    s.query("INSERT INTO t (i) VALUES (?)", {std::int64_t{2}});
  });
  EXPECT_THROW(db->transaction([](storage::Session& s) {
    s.query("INSERT INTO t (i) VALUES (?)", {std::int64_t{3}});
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  EXPECT_THROW(db->transaction([](storage::Session& s) {
    s.query("INSERT INTO t (i) VALUES (?)", {std::int64_t{4}});
    s.query("INSERT INTO no_such_table (i) VALUES (1)");
  }),
               storage::StorageError);
  auto rows = db->query("SELECT COUNT(*), SUM(i) FROM t");
  EXPECT_EQ(rows[0].integer(0), 2);
  EXPECT_EQ(rows[0].integer(1), 3);
}

TEST_P(EachStore, ManyThreadsWriteAtOnce) {
  auto db = open_fresh(4);
  db->query("CREATE TABLE t (thread BIGINT, n BIGINT)");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 100; ++n) {
        try {
          if (n % 2) {
            db->query("INSERT INTO t (thread, n) VALUES (?, ?)", {std::int64_t{t}, std::int64_t{n}});
          } else {
            db->transaction([&](storage::Session& s) {
              s.query("INSERT INTO t (thread, n) VALUES (?, ?)", {std::int64_t{t}, std::int64_t{n}});
              s.query("SELECT COUNT(*) FROM t");
            });
          }
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(db->query("SELECT COUNT(*) FROM t")[0].integer(0), 800);
}

TEST_P(EachStore, MigratesUpDownAndUpAgain) {
  auto db = open_fresh();
  storage::Migrator migrator(*db);
  ASSERT_GE(migrator.latest_version(), 1);
  EXPECT_EQ(migrator.current_version(), 0);
  EXPECT_EQ(migrator.up(), static_cast<int>(migrator.status().size()));
  EXPECT_EQ(migrator.current_version(), migrator.latest_version());
  for (const auto& state : migrator.status()) {
    EXPECT_TRUE(state.applied) << state.migration.name;
    EXPECT_TRUE(std::regex_match(state.applied_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
        << state.applied_at;
  }
  EXPECT_EQ(migrator.up(), 0);  // nothing pending
  const std::string now = storage::utc_now();
  db->query(
      "INSERT INTO stories (primary_character, secondary_character, combined_characters, story_content, method, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?)",
      {std::string("Ada"), std::string("Bob"), std::string("Ada and Bob"), std::string("Once"), std::string("chain"),
       now});
  EXPECT_EQ(db->query("SELECT COUNT(*) FROM stories")[0].integer(0), 1);

  EXPECT_EQ(migrator.down(migrator.latest_version()), migrator.latest_version());
  EXPECT_EQ(migrator.current_version(), 0);
  EXPECT_THROW(db->query("SELECT COUNT(*) FROM stories"), storage::StorageError);  // gone
  EXPECT_EQ(migrator.down(), 0);                                                   // nothing left

  EXPECT_EQ(migrator.up(1), 1);
  EXPECT_EQ(migrator.current_version(), migrator.status().front().migration.version);
  migrator.up();
  EXPECT_EQ(db->query("SELECT COUNT(*) FROM stories")[0].integer(0), 0);  // fresh again
}

TEST_P(EachStore, RefusesADatabaseNewerThanItKnows) {
  auto db = open_fresh();
  storage::Migrator migrator(*db);
  migrator.up();
  db->query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            {std::int64_t{9999}, std::string("from_the_future"), storage::utc_now()});
  try {
    migrator.up();
    FAIL() << "a newer database was accepted";
  } catch (const storage::StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this switchboard knows"), std::string::npos) << e.what();
  }
  EXPECT_THROW(migrator.down(), storage::StorageError);  // cannot revert what it does not know
}

TEST_P(EachStore, ServeMigratesAtStartAndRefusesANewerDatabase) {
  const std::string url = fresh_url();
  auto status = run_switchboard({"migrate", "status", "--data-dir", data_dir().string()}, {{"DATABASE_URL", url}});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("pending"), std::string::npos) << status.output;

  {
    ServerProcess server({"", {}, {{"DATABASE_URL", url}}, {}});
    EXPECT_NE(server.log().find("storage ready"), std::string::npos);
  }
  status = run_switchboard({"migrate", "status", "--data-dir", data_dir().string()}, {{"DATABASE_URL", url}});
  EXPECT_EQ(status.output.find("pending"), std::string::npos) << status.output;

  auto db = storage::open_database(url, data_dir());
  db->query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            {std::int64_t{9999}, std::string("from_the_future"), storage::utc_now()});
  auto refused = run_switchboard({"serve", "--port", "0", "--data-dir", data_dir().string()}, {{"DATABASE_URL", url}});
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("newer than this switchboard knows"), std::string::npos) << refused.output;

  auto down = run_switchboard({"migrate", "down", "--data-dir", data_dir().string()}, {{"DATABASE_URL", url}});
  EXPECT_NE(down.exit_code, 0) << down.output;  // version 9999 is unknown: nothing is reverted
}

// Migration 0009 adds a trigram index for story search by character when the role may add
// pg_trgm; a role that may not must still get a working schema (a warning, the search a scan).
TEST(PostgresMigrations, TheCharacterSearchIndexIsAddedWhereAllowedAndNeverBlocksTheSchema) {
  auto& server = PostgresServer::shared();
  const auto has_trigram_index = [](storage::Database& db) {
    return !db.query("SELECT 1 FROM pg_indexes WHERE indexname = 'stories_characters_trigram'").empty();
  };
  auto owned = storage::open_database(server.create_database("trigram_owner"), ".", 1);
  storage::Migrator(*owned).up();
  EXPECT_TRUE(has_trigram_index(*owned));

  // A role that may create tables in the schema but not add extensions to the database.
  const std::string url = server.create_database("trigram_limited");
  auto as_owner = storage::open_database(url, ".", 1);
  as_owner->query("CREATE ROLE limited_migrator LOGIN");
  as_owner->query("GRANT CREATE ON SCHEMA public TO limited_migrator");
  auto limited =
      storage::open_database(std::regex_replace(url, std::regex("switchboard@"), "limited_migrator@"), ".", 1);
  storage::Migrator migrator(*limited);
  ASSERT_NO_THROW(migrator.up());
  EXPECT_EQ(migrator.current_version(), migrator.latest_version());
  EXPECT_FALSE(has_trigram_index(*limited));
  storage::StoryRepository stories(*limited);
  storage::Story story;
  story.primary_character = "Ada";
  story.secondary_character = "Bob";
  story.combined_characters = "Ada and Bob";
  story.content = "Once";
  story.method = "chain";
  stories.create(story);
  storage::StoryQuery ada;
  ada.character = "ada";
  EXPECT_EQ(stories.count(ada), 1);
  EXPECT_EQ(migrator.down(migrator.latest_version()), migrator.latest_version());  // and back down
}

INSTANTIATE_TEST_SUITE_P(Storage, EachStore, ::testing::Values(storage::Dialect::sqlite, storage::Dialect::postgres),
                         engine_name);

}  // namespace
}  // namespace switchboard::test
