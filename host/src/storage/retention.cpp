#include <switchboard/storage/retention.hpp>

namespace switchboard::storage {
namespace {

constexpr int kChunk = 1000;

// Deletes rows of `table` whose `column` is before `cutoff`, chunk by chunk.
std::int64_t delete_older(Database& database, const std::string& table, const std::string& column,
                          const std::string& cutoff) {
  const std::string sql = "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + " WHERE " + column +
                          " < ? LIMIT " + std::to_string(kChunk) + ") RETURNING id";
  std::int64_t total = 0;
  for (;;) {
    const auto deleted = static_cast<std::int64_t>(database.query(sql, {cutoff}).size());
    total += deleted;
    if (deleted < kChunk) return total;
  }
}

}  // namespace

RetentionReport apply_retention(Database& database, const RetentionConfig& config,
                                std::chrono::system_clock::time_point now) {
  using std::chrono::days;
  using std::chrono::hours;
  RetentionReport report;
  auto sweep = [&](const char* table, const char* column, auto age) {
    if (age.count() <= 0) return;
    report.emplace_back(table, delete_older(database, table, column, utc_text(now - age)));
  };
  sweep("stories", "created_at", days(config.stories_days));
  sweep("chat_messages", "created_at", days(config.chat_messages_days));
  sweep("chat_conversations", "updated_at", days(config.chat_messages_days));
  sweep("context_executions", "created_at", days(config.context_days));
  sweep("context_files", "created_at", days(config.context_days));
  sweep("graph_checkpoints", "created_at", days(config.checkpoint_days));
  sweep("jobs", "completed_at", hours(config.jobs_hours));  // NULL while not completed: never older
  sweep("usage_ledger", "created_at", days(config.ledger_days));
  sweep("audit_events", "created_at", days(config.audit_days));
  return report;
}

}  // namespace switchboard::storage
