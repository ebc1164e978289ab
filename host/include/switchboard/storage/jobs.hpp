#pragma once
// Asynchronous jobs (seed 001): submitted pending, claimed by exactly one worker — across
// instances too (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite) — then
// completed or failed. A claimed job's worker beats its heart; a job whose heart stopped is
// pending again (or failed, once started too often). A finished job with a webhook_url has
// webhook_status "pending" until delivered ("delivered") or given up ("failed").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct Job {
  std::string id;                  // a UUID; made by the store when empty
  std::string owner;               // who submitted it (owner.hpp): only that owner reads or lists it
  std::string api_key_id;          // the key its calls are billed to; empty: none
  std::string job_type;            // analyze, batch, …
  std::string status = "pending";  // pending, processing, completed, failed
  nlohmann::json request_params = nlohmann::json::object();
  nlohmann::json result;  // null until completed
  std::string error_message;
  std::string webhook_url;
  std::string webhook_status;
  std::string created_at;
  std::string started_at;
  std::string completed_at;
  std::string expires_at;
  std::string heartbeat_at;
  std::int64_t attempts = 0;  // times claimed
  std::int64_t webhook_attempts = 0;
};

struct RequeueReport {
  std::int64_t requeued = 0;
  std::int64_t failed = 0;
};

class JobRepository {
 public:
  explicit JobRepository(Database& database) : database_(database) {}
  // Stores a pending job; returns its id.
  std::string create(const Job& job);
  // `owner`'s job; nothing when there is none or it is another owner's.
  std::optional<Job> get(const std::string& id, const std::string& owner);
  // The oldest pending job, now processing and owned by the caller; nothing when none waits.
  std::optional<Job> claim_next();
  // The owner of a processing job is still at it.
  void heartbeat(const std::string& id);
  // Processing jobs whose heartbeat is older than `stale_before` (ISO-8601 UTC): pending again,
  // or failed when they were claimed `max_attempts` times already.
  RequeueReport requeue_stale(const std::string& stale_before, std::int64_t max_attempts);
  // Finished jobs are kept until `expires_at`.
  bool complete(const std::string& id, const nlohmann::json& result, const std::string& expires_at);
  bool fail(const std::string& id, const std::string& error_message, const std::string& expires_at);
  // Finished jobs whose webhook is still to be delivered, oldest first.
  std::vector<Job> webhooks_due(int limit);
  void record_webhook(const std::string& id, const std::string& status, std::int64_t attempts);
  // Deletes finished jobs whose `expires_at` is before `now`; returns how many.
  std::int64_t delete_expired(const std::string& now);
  // `owner`'s jobs, newest first; `status` empty for all.
  std::vector<Job> list(const std::string& owner, const std::string& status, int limit);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
