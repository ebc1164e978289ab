// The usage ledger writes its rows with a bounded set of statements, whatever the batch sizes:
// both drivers keep every statement they prepared, per connection, by its SQL text, so a
// statement per batch size grew the server's memory by tens of MB over a million calls.

#include <set>
#include <string>

#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/usage_ledger.hpp>

#include "store_fixture.hpp"

namespace switchboard::test {
namespace {

using storage::Rows;
using storage::Value;

// A store that remembers the text of every statement run through it.
class RecordingDatabase final : public storage::Database {
 public:
  explicit RecordingDatabase(storage::Database& inner) : inner_(inner) {}
  storage::Dialect dialect() const override { return inner_.dialect(); }
  std::string description() const override { return inner_.description(); }
  Rows query(std::string_view sql, const std::vector<Value>& params) override {
    texts.emplace(sql);
    return inner_.query(sql, params);
  }
  void transaction(const std::function<void(storage::Session&)>& work) override {
    inner_.transaction([&](storage::Session& session) {
      RecordingSession recording(session, texts);
      work(recording);
    });
  }
  std::set<std::string> texts;

 private:
  class RecordingSession final : public storage::Session {
   public:
    RecordingSession(storage::Session& inner, std::set<std::string>& texts) : inner_(inner), texts_(texts) {}
    Rows query(std::string_view sql, const std::vector<Value>& params) override {
      texts_.emplace(sql);
      return inner_.query(sql, params);
    }
    void script(std::string_view sql) override { inner_.script(sql); }

   private:
    storage::Session& inner_;
    std::set<std::string>& texts_;
  };
  storage::Database& inner_;
};

TEST_P(EachStore, TheLedgerWritesEveryBatchSizeWithAtMostEightStatements) {
  auto database = open_fresh();
  storage::Migrator(*database).up();
  RecordingDatabase recording(*database);
  storage::UsageLedger ledger(recording);
  std::int64_t written = 0;
  for (int size = 1; size <= 300; ++size) {
    std::vector<storage::LedgerEntry> batch(static_cast<std::size_t>(size));
    for (auto& entry : batch) {
      entry.operation = "story";
      entry.framework = "kernel";
      entry.provider = "mock";
      entry.model = "mock-1";
      entry.input_tokens = 1;
    }
    ledger.append(batch);
    written += size;
  }
  std::size_t inserts = 0;
  for (const auto& text : recording.texts) inserts += text.starts_with("INSERT INTO usage_ledger") ? 1 : 0;
  EXPECT_LE(inserts, 8u);  // was one per batch size up to 100
  EXPECT_EQ(database->query("SELECT COUNT(*) FROM usage_ledger").at(0).integer(0), written);
  EXPECT_EQ(database->query("SELECT SUM(requests) FROM usage_daily").at(0).integer(0), written);
}

// (EachStore runs on both engines: database_test.cpp instantiates it.)

}  // namespace
}  // namespace switchboard::test
