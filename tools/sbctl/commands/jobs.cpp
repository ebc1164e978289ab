// sbctl jobs submit [--wait] | get: asynchronous jobs (POST /v1/jobs, GET /v1/jobs/{id}).
// With --wait the job is polled until it finishes; the exit code is its outcome.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "../arguments.hpp"
#include "../exit_codes.hpp"
#include "../progress.hpp"
#include "../session.hpp"

namespace sbctl {
namespace {

using nlohmann::json;

struct JobOptions {
  std::string type = "analyze";
  std::vector<std::string> prompts;
  std::string params;
  std::string params_file;
  std::string webhook_url;
  bool wait = false;
  double timeout_seconds = 300;
  int interval_ms = 500;
  std::string id;
};

// request_params from --prompt (one for analyze, any number for batch), --params or
// --params-file ("-": stdin); exactly one of them.
tl::expected<json, std::string> request_params(const JobOptions& options) {
  const int given = !options.prompts.empty() + !options.params.empty() + !options.params_file.empty();
  if (given != 1) return tl::unexpected(std::string("give exactly one of --prompt, --params and --params-file"));
  if (!options.prompts.empty()) {
    if (options.type == "batch") return json{{"prompts", options.prompts}};
    if (options.prompts.size() > 1) {
      return tl::unexpected(std::string("an analyze job takes one --prompt (a batch job takes several)"));
    }
    return json{{"prompt", options.prompts.front()}};
  }
  if (!options.params.empty()) return parse_json_object(options.params, "--params");
  std::stringstream text;
  if (options.params_file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(options.params_file);
    if (!in) return tl::unexpected("cannot read " + options.params_file);
    text << in.rdbuf();
  }
  return parse_json_object(text.str(), "--params-file");
}

void print_job(const Session& session, const json& job) {
  if (session.json) {
    print_json(job);
  } else if (job.value("status", "") == "completed") {
    print_json(job.value("result", json()));
  } else {
    std::printf("job %s: %s\n", job.value("job_id", "?").c_str(), job.value("status", "?").c_str());
  }
}

int wait_for(Session& session, const std::string& id, const JobOptions& options) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  const clock::time_point deadline =
      started + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(options.timeout_seconds));
  ProgressReporter progress(stderr, ::isatty(STDERR_FILENO) == 1, id);
  const std::string path = "/v1/jobs/" + session.client.escape(id);
  for (;;) {
    const Reply reply = session.client.get(path, Credential::api_key);
    if (!reply.ok()) {
      progress.finish();
      return report_failure(reply, session);
    }
    const std::string status = reply.json.value("status", "");
    const double waited = std::chrono::duration<double>(clock::now() - started).count();
    progress.update(status, waited);
    if (status == "completed" || status == "failed") {
      progress.finish();
      print_job(session, reply.json);
      if (status == "completed") return kOk;
      std::cerr << "sbctl: job " << id << " failed: " << reply.json.value("error", "") << "\n";
      return kJobFailed;
    }
    if (clock::now() >= deadline) {
      progress.finish();
      std::cerr << "sbctl: job " << id << " is still " << status << " after " << options.timeout_seconds
                << " s (--timeout); it goes on running: sbctl jobs get " << id << "\n";
      print_job(session, reply.json);
      return kJobFailed;
    }
    // Never sleep past the deadline: the last look is at --timeout, not up to an interval later.
    std::this_thread::sleep_for(
        std::min<clock::duration>(std::chrono::milliseconds(options.interval_ms), deadline - clock::now()));
  }
}

int submit(Session& session, const JobOptions& options) {
  auto params = request_params(options);
  if (!params) return usage_error(params.error());
  json body = {{"job_type", options.type}, {"request_params", *params}};
  if (!options.webhook_url.empty()) body["webhook_url"] = options.webhook_url;
  const Reply reply = session.client.send("POST", "/v1/jobs", Credential::api_key, body);
  if (!reply.ok()) return report_failure(reply, session);
  const std::string id = reply.json.value("job_id", "");
  if (options.wait) return wait_for(session, id, options);
  if (session.json) {
    print_json(reply.json);
  } else {
    // The id alone on stdout, for `ID=$(sbctl jobs submit ...)`.
    std::cerr << "submitted job (" << reply.json.value("status", "?") << "); follow it with: sbctl jobs get " << id
              << "\n";
    std::cout << id << "\n";
  }
  return kOk;
}

int get(Session& session, const JobOptions& options) {
  return answer(session.client.get("/v1/jobs/" + session.client.escape(options.id), Credential::api_key), session,
                [](const json& job) {
                  std::printf("job %s: %s\n", job.value("job_id", "?").c_str(), job.value("status", "?").c_str());
                  if (job.contains("result")) print_json(job["result"]);
                  if (job.contains("error")) {
                    const json& error = job["error"];
                    std::printf("error: %s\n",
                                error.is_string() ? error.get<std::string>().c_str() : error.dump().c_str());
                  }
                });
}

}  // namespace

void add_job_commands(CLI::App& cli, Commands& commands) {
  auto* jobs = cli.add_subcommand("jobs", "Submit asynchronous jobs and follow them (--api-key when auth is on)");
  jobs->require_subcommand(1);
  auto options = std::make_shared<JobOptions>();

  auto* submit_command = jobs->add_subcommand(
      "submit",
      "Submit a job; prints its id, or with --wait follows it (a progress bar on a terminal's stderr, status lines "
      "otherwise), prints its result and exits with its outcome (0 completed, 4 failed or timed out)");
  submit_command->add_option("--type", options->type, "analyze or batch")
      ->capture_default_str()
      ->check(CLI::IsMember({"analyze", "batch"}));
  submit_command->add_option("--prompt", options->prompts, "A prompt (repeat for a batch job)");
  submit_command->add_option("--params", options->params, "request_params as a JSON object (as /v1/analyze takes)");
  submit_command->add_option("--params-file", options->params_file, "request_params from a JSON file (- for stdin)");
  submit_command->add_option("--webhook-url", options->webhook_url, "POSTed the finished job (signed)");
  submit_command->add_flag("--wait", options->wait, "Wait for the job to finish");
  submit_command->add_option("--timeout", options->timeout_seconds, "With --wait: seconds to wait at most")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  submit_command->add_option("--interval-ms", options->interval_ms, "With --wait: milliseconds between polls")
      ->capture_default_str()
      ->check(CLI::Range(50, 60'000));
  commands.add(submit_command, false, [options](Session& session) { return submit(session, *options); });

  auto* get_command = jobs->add_subcommand("get", "Show a job: its status, and its result or error");
  get_command->add_option("id", options->id, "Job id")->required();
  commands.add(get_command, false, [options](Session& session) { return get(session, *options); });
}

}  // namespace sbctl
