#include "job_runner.hpp"

#include <switchboard/log.hpp>
#include <switchboard/storage/database.hpp>

namespace switchboard {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kIdleLook = std::chrono::milliseconds(1000);  // how often idle workers look at the store

Logger& log() {
  static Logger logger("jobs");
  return logger;
}

std::string utc_in(std::chrono::seconds from_now) {
  return storage::utc_text(std::chrono::system_clock::now() + from_now);
}

}  // namespace

JobRunner::JobRunner(storage::Database& database, const JobsConfig& config, int keep_hours, plugin::Metrics& metrics,
                     RunFn run)
    : database_(database),
      config_(config),
      keep_hours_(keep_hours),
      run_(std::move(run)),
      webhooks_(config.webhook_secret, std::chrono::milliseconds(config.webhook_timeout_ms),
                config.webhook_allow_private),
      completed_(metrics.counter("switchboard_jobs_total", "Jobs finished", {{"status", "completed"}})),
      failed_(metrics.counter("switchboard_jobs_total", "Jobs finished", {{"status", "failed"}})),
      delivered_(metrics.counter("switchboard_webhook_deliveries_total", "Job webhook delivery attempts",
                                 {{"result", "delivered"}})),
      undelivered_(metrics.counter("switchboard_webhook_deliveries_total", "Job webhook delivery attempts",
                                   {{"result", "failed"}})) {
  for (int i = 0; i < config_.workers; ++i) threads_.emplace_back([this] { work(); });
  threads_.emplace_back([this] { housekeep(); });
  threads_.emplace_back([this] { deliver(); });
}

JobRunner::~JobRunner() { stop(); }

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void JobRunner::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

bool JobRunner::sleep_for(std::chrono::milliseconds pause) {
  std::unique_lock lock(mutex_);
  const auto seen = wakes_;
  wake_.wait_for(lock, pause, [&] { return stopping_ || wakes_ != seen; });
  return !stopping_;
}

std::string JobRunner::expiry() const {
  return keep_hours_ > 0 ? utc_in(std::chrono::hours(keep_hours_)) : std::string();
}

void JobRunner::work() {
  storage::JobRepository jobs(database_);
  for (;;) {
    std::optional<storage::Job> job;
    try {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      job = jobs.claim_next();
    } catch (const std::exception& e) {
      log().warn("cannot claim a job", {{"error", e.what()}});
    }
    if (!job) {
      if (!sleep_for(kIdleLook)) return;
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      running_.emplace(job->id, Clock::now());
    }
    log().info("job started", {{"job_id", job->id}, {"type", job->job_type}, {"attempt", job->attempts}});
    JobOutcome outcome;
    try {
      outcome = run_(*job);
    } catch (const std::exception& e) {
      outcome = {false, nullptr, std::string("the job failed: ") + e.what()};
    }
    try {
      // Recorded only while the job is still ours: the housekeeper fails one that overran.
      const bool recorded =
          outcome.ok ? jobs.complete(job->id, outcome.result, expiry()) : jobs.fail(job->id, outcome.error, expiry());
      if (recorded) {
        log().info("job finished", {{"job_id", job->id}, {"status", outcome.ok ? "completed" : "failed"}});
        (outcome.ok ? completed_ : failed_)->increment();
      }
    } catch (const std::exception& e) {
      // Left processing: its heart stops, and the housekeeping of some instance runs it again.
      log().error("cannot record a job's outcome", {{"job_id", job->id}, {"error", e.what()}});
    }
    {
      std::lock_guard lock(mutex_);
      running_.erase(job->id);
    }
    wake();  // the courier: a webhook may be due
  }
}

void JobRunner::housekeep() {
  storage::JobRepository jobs(database_);
  auto next_sweep = Clock::now();
  while (sleep_for(std::chrono::seconds(config_.heartbeat_seconds))) {
    try {
      std::map<std::string, Clock::time_point> running;
      {
        std::lock_guard lock(mutex_);
        running = running_;
      }
      const auto timeout = std::chrono::seconds(config_.timeout_seconds);
      for (const auto& [id, started] : running) {
        if (Clock::now() - started <= timeout) {
          jobs.heartbeat(id);
          continue;
        }
        // Its thread may never come back; the job ends here, failed, and is not run again.
        if (jobs.fail(id, "timed out after " + std::to_string(config_.timeout_seconds) + " s (not run again)",
                      expiry())) {
          failed_->increment();
          log().warn("job timed out", {{"job_id", id}, {"timeout_seconds", config_.timeout_seconds}});
          wake();  // the courier: its webhook is due
        }
        std::lock_guard lock(mutex_);
        running_.erase(id);
      }
      const auto report =
          jobs.requeue_stale(utc_in(-std::chrono::seconds(config_.stale_after_seconds)), config_.max_attempts);
      if (report.requeued > 0 || report.failed > 0) {
        log().warn("jobs whose server stopped", {{"requeued", report.requeued}, {"failed", report.failed}});
        wake();
      }
      if (Clock::now() >= next_sweep) {
        next_sweep = Clock::now() + std::chrono::minutes(1);
        if (const auto gone = jobs.delete_expired(storage::utc_now()); gone > 0) {
          log().info("expired jobs deleted", {{"count", gone}});
        }
      }
    } catch (const std::exception& e) {
      log().warn("job housekeeping failed", {{"error", e.what()}});
    }
  }
}

void JobRunner::deliver() {
  storage::JobRepository jobs(database_);
  do {
    try {
      for (const auto& job : jobs.webhooks_due(50)) {
        {
          std::lock_guard lock(mutex_);
          if (stopping_) return;
        }
        const auto wait = next_delivery_.find(job.id);
        if (wait != next_delivery_.end() && Clock::now() < wait->second) continue;
        const std::string event = job.status == "completed" ? "job.completed" : "job.failed";
        nlohmann::json payload = {{"event", event},
                                  {"job_id", job.id},
                                  {"job_type", job.job_type},
                                  {"status", job.status},
                                  {"created_at", job.created_at},
                                  {"completed_at", job.completed_at}};
        if (job.status == "completed") {
          payload["result"] = job.result;
        } else {
          payload["error"] = job.error_message;
        }
        const auto attempt = job.webhook_attempts + 1;
        const auto sent = webhooks_.send(job.webhook_url, event, job.id,
                                         payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        (sent.delivered ? delivered_ : undelivered_)->increment();
        if (sent.delivered) {
          jobs.record_webhook(job.id, "delivered", attempt);
          next_delivery_.erase(job.id);
        } else if (attempt >= config_.webhook_attempts) {
          jobs.record_webhook(job.id, "failed", attempt);
          next_delivery_.erase(job.id);
          log().warn("webhook given up", {{"job_id", job.id}, {"attempts", attempt}, {"error", sent.error}});
        } else {
          jobs.record_webhook(job.id, "pending", attempt);
          const auto pause =
              std::chrono::milliseconds(config_.webhook_backoff_ms) * (1LL << std::min<std::int64_t>(attempt - 1, 20));
          next_delivery_[job.id] = Clock::now() + pause;
          log().info("webhook failed; retrying", {{"job_id", job.id}, {"attempt", attempt}, {"error", sent.error}});
        }
      }
    } catch (const std::exception& e) {
      log().warn("webhook delivery failed", {{"error", e.what()}});
    }
    // Look again soon when a retry is waiting; new deliveries wake this thread.
    auto pause = kIdleLook;
    for (const auto& [id, at] : next_delivery_) {
      pause = std::min(pause, std::chrono::duration_cast<std::chrono::milliseconds>(at - Clock::now()));
    }
    if (pause < std::chrono::milliseconds(10)) pause = std::chrono::milliseconds(10);
    if (!sleep_for(pause)) return;
  } while (true);
}

}  // namespace switchboard
