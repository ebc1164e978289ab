// Uploaded context files on both stores: the extracted text comes back whole, an unknown id
// is nothing, and retention removes files older than retention.context_days.
#include <switchboard/storage/context_files.hpp>
#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/retention.hpp>

#include "store_fixture.hpp"

namespace switchboard::test {
namespace {

using namespace switchboard::storage;
using namespace std::chrono;

class ContextFiles : public EachStore {
 protected:
  void SetUp() override {
    db_ = open_fresh();
    Migrator(*db_).up();
  }

  static ContextFile file(const std::string& id, system_clock::time_point created) {
    ContextFile f;
    f.id = id;
    f.filename = "notes — ✓.md";
    f.file_type = "md";
    f.file_size_bytes = 1234;
    f.content = "# Notes\n\n100% of it, with 'quotes' and \\ backslashes — ✓";
    f.processed_content_length = 53;
    f.processing_time_ms = 1.25;
    f.request_id = "req_1";
    f.transaction_guid = "6f1c2a4e-0000-4000-8000-000000000001";
    f.created_at = utc_text(created);
    return f;
  }

  std::unique_ptr<Database> db_;
};

TEST_P(ContextFiles, ComeBackWhole) {
  ContextFileRepository files(*db_);
  const auto stored = file("ctx_0123456789abcdef0123456789abcdef", system_clock::now());
  files.create(stored);
  const auto read = files.get(stored.id, "");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->id, stored.id);
  EXPECT_EQ(read->filename, stored.filename);
  EXPECT_EQ(read->file_type, "md");
  EXPECT_EQ(read->file_size_bytes, 1234);
  EXPECT_EQ(read->content, stored.content);
  EXPECT_EQ(read->processed_content_length, 53);
  EXPECT_DOUBLE_EQ(read->processing_time_ms, 1.25);
  EXPECT_EQ(read->request_id, "req_1");
  EXPECT_EQ(read->transaction_guid, stored.transaction_guid);
  EXPECT_EQ(read->created_at, stored.created_at);
  EXPECT_FALSE(files.get("ctx_unknown", ""));
  EXPECT_THROW(files.create(stored), StorageError);  // ids are unique
}

TEST_P(ContextFiles, RetentionRemovesOnlyOldFiles) {
  ContextFileRepository files(*db_);
  files.create(file("ctx_old", system_clock::now() - days(8)));
  files.create(file("ctx_new", system_clock::now() - hours(1)));
  RetentionConfig rules;  // context 7 days
  std::int64_t deleted = -1;
  for (const auto& [table, count] : apply_retention(*db_, rules))
    if (table == "context_files") deleted = count;
  EXPECT_EQ(deleted, 1);
  EXPECT_FALSE(files.get("ctx_old", ""));
  EXPECT_TRUE(files.get("ctx_new", ""));

  rules.context_days = 0;  // kept for ever: not swept
  for (const auto& [table, count] : apply_retention(*db_, rules)) EXPECT_NE(table, "context_files");
}

INSTANTIATE_TEST_SUITE_P(Storage, ContextFiles, ::testing::Values(Dialect::sqlite, Dialect::postgres), engine_name);

}  // namespace
}  // namespace switchboard::test
