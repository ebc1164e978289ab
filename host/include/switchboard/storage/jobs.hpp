#pragma once
// Asynchronous jobs (seed 001): submitted pending, claimed by exactly one worker — across
// instances too (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on SQLite) — then
// completed or failed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct Job {
  std::string id;  // a UUID; made by the store when empty
  std::string api_key_id;
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
};

class JobRepository {
 public:
  explicit JobRepository(Database& database) : database_(database) {}
  // Stores a pending job; returns its id.
  std::string create(const Job& job);
  std::optional<Job> get(const std::string& id);
  // The oldest pending job, now processing and owned by the caller; nothing when none waits.
  std::optional<Job> claim_next();
  bool complete(const std::string& id, const nlohmann::json& result);
  bool fail(const std::string& id, const std::string& error_message);
  // Newest first; empty filters match all.
  std::vector<Job> list(const std::string& api_key_id, const std::string& status, int limit);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
