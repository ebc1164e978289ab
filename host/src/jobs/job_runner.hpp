#pragma once
// Runs the jobs in the store: `jobs.workers` threads claim pending jobs one at a time (any
// instance sharing the store may take any job) and record the outcome; a housekeeper beats
// the hearts of running jobs, sends jobs whose process died back to pending (or fails them
// after `jobs.max_attempts`), fails jobs running longer than `jobs.timeout_seconds` (never
// to run again: a job that hangs or kills its server is not retried blindly) and deletes
// expired ones; a courier delivers webhooks of finished
// jobs, retrying with doubling pauses — from the store, so a restart resumes deliveries too.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/config.hpp>
#include <switchboard/plugin/host_services.hpp>
#include <switchboard/storage/jobs.hpp>

#include "webhook_sender.hpp"

namespace switchboard {

// What running a job gave: a result to keep, or an error message.
struct JobOutcome {
  bool ok = false;
  nlohmann::json result;
  std::string error;
};

class JobRunner {
 public:
  using RunFn = std::function<JobOutcome(const storage::Job&)>;
  // `metrics`: switchboard_jobs_total{status} and switchboard_webhook_deliveries_total{result}.
  JobRunner(storage::Database& database, const JobsConfig& config, int keep_hours, plugin::Metrics& metrics, RunFn run);
  ~JobRunner();  // stops: running jobs finish first
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // A job was submitted: wake a worker now rather than at its next look.
  void wake();
  void stop();

 private:
  void work();
  void housekeep();
  void deliver();
  // When a finished job is kept until: `keep_hours` from now (empty: for ever).
  std::string expiry() const;
  bool sleep_for(std::chrono::milliseconds pause);  // false when stopping

  storage::Database& database_;
  const JobsConfig config_;
  const int keep_hours_;
  const RunFn run_;
  const WebhookSender webhooks_;
  const std::shared_ptr<plugin::Counter> completed_, failed_, delivered_, undelivered_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t wakes_ = 0;
  // Running jobs (whose hearts the housekeeper beats) and when each started.
  std::map<std::string, std::chrono::steady_clock::time_point> running_;
  std::map<std::string, std::chrono::steady_clock::time_point> next_delivery_;  // after a failed attempt
  std::vector<std::thread> threads_;
};

}  // namespace switchboard
