#include <switchboard/storage/jobs.hpp>

#include <switchboard/request_id.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

std::string columns(Dialect d) {
  return "id, api_key_id, job_type, status, " + select_json(d, "request_params") + ", " + select_json(d, "result") +
         ", error_message, webhook_url, webhook_status, " + select_time(d, "created_at") + ", " +
         select_time(d, "started_at") + ", " + select_time(d, "completed_at") + ", " + select_time(d, "expires_at") +
         ", " + select_time(d, "heartbeat_at") + ", attempts, webhook_attempts, owner";
}

nlohmann::json json_of(const Row& row, std::size_t column) {
  if (row.is_null(column)) return nullptr;
  auto parsed = nlohmann::json::parse(row.text(column), nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(nullptr) : parsed;
}

Job job_of(const Row& row) {
  Job j;
  j.id = row.text(0);
  j.api_key_id = row.text(1);
  j.job_type = row.text(2);
  j.status = row.text(3);
  j.request_params = json_of(row, 4);
  j.result = json_of(row, 5);
  j.error_message = row.text(6);
  j.webhook_url = row.text(7);
  j.webhook_status = row.text(8);
  j.created_at = row.text(9);
  j.started_at = row.text(10);
  j.completed_at = row.text(11);
  j.expires_at = row.text(12);
  j.heartbeat_at = row.text(13);
  j.attempts = row.integer(14);
  j.webhook_attempts = row.integer(15);
  j.owner = row.text(16);
  return j;
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string JobRepository::create(const Job& job) {
  const std::string id = job.id.empty() ? new_uuid() : job.id;
  database_.query(
      "INSERT INTO jobs (id, owner, api_key_id, job_type, status, request_params, webhook_url, created_at, "
      "expires_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
      {id, job.owner, nullable(job.api_key_id), job.job_type, dump(job.request_params), nullable(job.webhook_url),
       job.created_at.empty() ? utc_now() : job.created_at, nullable(job.expires_at)});
  return id;
}

std::optional<Job> JobRepository::get(const std::string& id, const std::string& owner) {
  auto rows =
      database_.query("SELECT " + columns(database_.dialect()) + " FROM jobs WHERE id = ? AND owner = ?", {id, owner});
  if (rows.empty()) return std::nullopt;
  return job_of(rows[0]);
}

std::optional<Job> JobRepository::claim_next() {
  const bool postgres = database_.dialect() == Dialect::postgres;
  const std::string now = utc_now();
  auto rows = database_.query(
      "UPDATE jobs SET status = 'processing', started_at = ?, heartbeat_at = ?, attempts = attempts + 1 WHERE id = "
      "(SELECT id FROM jobs WHERE status = 'pending' ORDER BY created_at, id LIMIT 1" +
          std::string(postgres ? " FOR UPDATE SKIP LOCKED" : "") + ") AND status = 'pending' RETURNING " +
          columns(database_.dialect()),
      {now, now});
  if (rows.empty()) return std::nullopt;
  return job_of(rows[0]);
}

void JobRepository::heartbeat(const std::string& id) {
  database_.query("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND status = 'processing'", {utc_now(), id});
}

RequeueReport JobRepository::requeue_stale(const std::string& stale_before, std::int64_t max_attempts) {
  RequeueReport report;
  database_.transaction([&](Session& session) {
    report.failed = static_cast<std::int64_t>(
        session
            .query(
                "UPDATE jobs SET status = 'failed', error_message = 'interrupted too often (the server stopped while "
                "it ran)', completed_at = ?, webhook_status = CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' "
                "END WHERE status = 'processing' AND heartbeat_at < ? AND attempts >= ? RETURNING id",
                {utc_now(), stale_before, max_attempts})
            .size());
    report.requeued = static_cast<std::int64_t>(
        session
            .query(
                "UPDATE jobs SET status = 'pending', started_at = NULL WHERE status = 'processing' AND heartbeat_at < "
                "? RETURNING id",
                {stale_before})
            .size());
  });
  return report;
}

// Finishing a job with a webhook makes its delivery due.
bool JobRepository::complete(const std::string& id, const nlohmann::json& result, const std::string& expires_at) {
  return !database_
              .query(
                  "UPDATE jobs SET status = 'completed', result = ?, completed_at = ?, expires_at = ?, webhook_status "
                  "= CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' END WHERE id = ? AND status = "
                  "'processing' RETURNING id",
                  {dump(result), utc_now(), nullable(expires_at), id})
              .empty();
}

bool JobRepository::fail(const std::string& id, const std::string& error_message, const std::string& expires_at) {
  return !database_
              .query(
                  "UPDATE jobs SET status = 'failed', error_message = ?, completed_at = ?, expires_at = ?, "
                  "webhook_status = CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' END WHERE id = ? AND "
                  "status IN ('pending', 'processing') RETURNING id",
                  {error_message, utc_now(), nullable(expires_at), id})
              .empty();
}

std::vector<Job> JobRepository::webhooks_due(int limit) {
  std::vector<Job> out;
  for (const auto& row : database_.query("SELECT " + columns(database_.dialect()) +
                                             " FROM jobs WHERE webhook_status = 'pending' AND status IN ('completed', "
                                             "'failed') ORDER BY completed_at, id LIMIT ?",
                                         {std::int64_t{limit}})) {
    out.push_back(job_of(row));
  }
  return out;
}

void JobRepository::record_webhook(const std::string& id, const std::string& status, std::int64_t attempts) {
  database_.query("UPDATE jobs SET webhook_status = ?, webhook_attempts = ? WHERE id = ?", {status, attempts, id});
}

std::int64_t JobRepository::delete_expired(const std::string& now) {
  return static_cast<std::int64_t>(
      database_.query("DELETE FROM jobs WHERE expires_at < ? AND status IN ('completed', 'failed') RETURNING id", {now})
          .size());
}

std::vector<Job> JobRepository::list(const std::string& owner, const std::string& status, int limit) {
  std::string sql = "SELECT " + columns(database_.dialect()) + " FROM jobs WHERE owner = ?";
  std::vector<Value> params = {owner};
  if (!status.empty()) {
    sql += " AND status = ?";
    params.emplace_back(status);
  }
  sql += " ORDER BY created_at DESC, id LIMIT ?";
  params.emplace_back(std::int64_t{limit});
  std::vector<Job> out;
  for (const auto& row : database_.query(sql, params)) out.push_back(job_of(row));
  return out;
}

}  // namespace switchboard::storage
