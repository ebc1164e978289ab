// Asynchronous jobs (seed 001): POST /v1/jobs stores a job (202: job_id, status, created_at,
// expires_at) after checking its request_params as the route it stands for would;
// GET /v1/jobs/{id} and GET /v1/jobs (the caller's newest, `status`, `limit`) read them.
// A job belongs to the owner that submitted it (owner.hpp): only that owner reads or lists
// it, and it runs as that owner. JobRunner runs them.
#include "jobs_api.hpp"

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/jobs.hpp>

#include <switchboard/request_id.hpp>

#include "../audit_log.hpp"
#include "../jobs/job_runner.hpp"
#include "../llm_call_gate.hpp"
#include "analyze_api.hpp"
#include "common.hpp"
#include "registry_references.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

const char* route_of(const std::string& job_type) {
  if (job_type == "analyze") return "/v1/analyze";
  if (job_type == "batch") return "/v1/analyze/batch";
  return nullptr;
}

json job_json(const storage::Job& job) {
  json out = {{"job_id", job.id},
              {"job_type", job.job_type},
              {"status", job.status},
              {"created_at", job.created_at},
              {"expires_at", job.expires_at.empty() ? json() : json(job.expires_at)},
              {"started_at", job.started_at.empty() ? json() : json(job.started_at)},
              {"completed_at", job.completed_at.empty() ? json() : json(job.completed_at)},
              {"attempts", job.attempts}};
  if (job.status == "completed") out["result"] = job.result;
  if (job.status == "failed") out["error"] = job.error_message;
  if (!job.webhook_url.empty()) {
    out["webhook"] = {{"url", job.webhook_url},
                      {"status", job.webhook_status.empty() ? json() : json(job.webhook_status)},
                      {"attempts", job.webhook_attempts}};
  }
  if (!job.started_at.empty() && !job.completed_at.empty()) {
    const auto started = storage::parse_utc(job.started_at);
    const auto completed = storage::parse_utc(job.completed_at);
    if (started && completed) {
      out["processing_time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(*completed - *started).count();
    }
  }
  return out;
}

HttpResponse submit(App& app, const RequestContext& context) {
  if (!app.database()) return no_store(context);
  auto body = json_object_body(context);
  if (!body) return body.error();
  json details = json::array();
  const std::string job_type =
      body->value("job_type", json("analyze")).is_string() ? body->value("job_type", "analyze") : "";
  const char* route = route_of(job_type);
  if (!route) details.push_back({{"field", "job_type"}, {"message", "analyze or batch"}});
  json params = body->value("request_params", json());
  if (route && params.is_object()) {
    // Stored schemas and templates are resolved now: the job runs what was checked.
    auto resolved = resolve_registry_references(app, context, std::move(params));
    if (!resolved) return resolved.error();
    params = std::move(*resolved);
  }
  if (route) {
    for (auto& problem : analyze_problems(params, job_type == "batch", app.config())) {
      if (problem.contains("field") && problem["field"] != "request_params") {
        problem["field"] = "request_params." + problem["field"].get<std::string>();
      }
      details.push_back(std::move(problem));
    }
  }
  std::string webhook_url;
  if (body->contains("webhook_url") && !(*body)["webhook_url"].is_null()) {
    const auto& url = (*body)["webhook_url"];
    if (!url.is_string() || !valid_webhook_url(url.get<std::string>())) {
      details.push_back({{"field", "webhook_url"}, {"message", "an http or https URL of at most 500 bytes"}});
    } else if (app.config().jobs.webhook_secret.empty()) {
      details.push_back({{"field", "webhook_url"},
                         {"message", "webhooks are off: the server has no jobs.webhook_secret to sign them with"}});
    } else {
      webhook_url = url.get<std::string>();
    }
  }
  if (!details.empty()) return error_response(400, "INVALID_REQUEST", "invalid job", context.request_id, details);

  storage::Job job;
  job.job_type = job_type;
  job.request_params = params;
  job.webhook_url = webhook_url;
  job.owner = owner_of(context);
  job.api_key_id = billed_key(&context);
  job.created_at = storage::utc_now();
  // Not started within a day (or retention.jobs_hours): gone, as a finished one would be.
  const int keep_hours = app.config().retention.jobs_hours > 0 ? app.config().retention.jobs_hours : 24;
  job.expires_at = storage::utc_text(std::chrono::system_clock::now() + std::chrono::hours(keep_hours));
  storage::JobRepository jobs(*app.database());
  job.id = jobs.create(job);
  if (app.job_runner()) app.job_runner()->wake();
  app.audit().record({0,
                      "job.submitted",
                      job.api_key_id.empty() ? "anonymous" : "api_key:" + job.api_key_id,
                      job.id,
                      {{"job_type", job_type}},
                      context.request_id,
                      ""});
  return json_response(202, {{"job_id", job.id},
                             {"status", "pending"},
                             {"created_at", job.created_at},
                             {"expires_at", job.expires_at},
                             {"request_id", context.request_id}});
}

}  // namespace

JobOutcome run_job(App& app, const storage::Job& job) {
  HttpRequest request;
  request.method = "POST";
  request.path = route_of(job.job_type) ? route_of(job.job_type) : "/v1/jobs";
  auto lease = app.registry().lease();
  std::vector<LlmCallRecord> calls;
  std::optional<plugin::Principal> principal;
  if (!job.api_key_id.empty()) principal = plugin::Principal{"api_key", job.api_key_id, "", ""};
  RequestContext context{request, job.id,  new_uuid(), lease,       std::chrono::steady_clock::now(),
                         &calls,  "job",   "",         {},          principal,
                         nullptr, nullptr, false,      std::nullopt};
  context.owner = job.owner;  // what it reads (schemas, templates) and records is its owner's
  CurrentRequestScope scope(context);
  if (!route_of(job.job_type)) return {false, nullptr, "unknown job_type \"" + job.job_type + "\""};
  const HttpResponse response = run_analyze(app, context, job.request_params, job.job_type == "batch");
  json body = json::parse(response.body, nullptr, false);
  if (response.status == 200) return {true, std::move(body), ""};
  std::string error = "HTTP " + std::to_string(response.status);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    error = body["error"].value("code", "ERROR") + ": " + body["error"].value("message", "");
  }
  return {false, nullptr, error};
}

void add_job_routes(Router& router, App& app) {
  router.add(
      "POST", "/v1/jobs", [&app](const RequestContext& context, const PathParams&) { return submit(app, context); },
      RouteThread::worker);
  router.add(
      "GET", "/v1/jobs/{id}",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& id = params.find("id")->second;
        auto job = id.size() <= 64 ? storage::JobRepository(*app.database()).get(id, owner_of(context)) : std::nullopt;
        if (!job) return error_response(404, "NOT_FOUND", "no such job", context.request_id);
        json out = job_json(*job);
        out["request_id"] = context.request_id;
        return json_response(200, out);
      },
      RouteThread::worker);
  router.add(
      "GET", "/v1/jobs",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        json details = json::array();
        const int limit = int_param(context, "limit", 50, 1, 1000, details);
        const std::string status = context.request.query_param("status").value_or("");
        if (!status.empty() && status != "pending" && status != "processing" && status != "completed" &&
            status != "failed") {
          details.push_back({{"field", "status"}, {"message", "pending, processing, completed or failed"}});
        }
        if (!details.empty())
          return error_response(400, "INVALID_REQUEST", "invalid query", context.request_id, details);
        json list = json::array();
        for (const auto& job : storage::JobRepository(*app.database()).list(owner_of(context), status, limit)) {
          list.push_back(job_json(job));
        }
        return json_response(200, {{"jobs", list}, {"request_id", context.request_id}});
      },
      RouteThread::worker);
}

}  // namespace switchboard
