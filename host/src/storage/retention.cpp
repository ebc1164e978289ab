#include <switchboard/storage/retention.hpp>

#include <cstdio>
#include <ctime>

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

std::string utc_text(std::chrono::system_clock::time_point when) {
  const auto seconds = std::chrono::system_clock::to_time_t(when);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count() % 1'000'000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(micros < 0 ? 0 : micros));
  return buffer;
}

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
  sweep("jobs", "completed_at", hours(config.jobs_hours));  // NULL while not completed: never older
  sweep("usage_ledger", "created_at", days(config.ledger_days));
  sweep("audit_events", "created_at", days(config.audit_days));
  return report;
}

}  // namespace switchboard::storage
