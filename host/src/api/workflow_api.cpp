// Declarative workflows (config/workflows/*.yaml), run by the framework plugins that own
// them: GET /api/workflows lists them, POST /api/workflows/{name} runs one with
// {"input": {…}} — or, for graph workflows, resumes a run from its last checkpoint with
// {"run_id": "…"}; with "stream": true the graph's node updates arrive as server-sent events
// while it runs. The host knows no workflow format: it asks each framework plugin with a
// `workflows` task which workflows it runs, and hands the run to the one that owns the name.
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/reply.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/worker_pool.hpp>

#include "common.hpp"
#include "routes.hpp"
#include "workflow_api.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

bool runs(const LoadedPlugin& plugin, const std::string& task) {
  if (!plugin.framework) return false;
  try {
    const auto tasks = plugin.framework->tasks();
    return std::find(tasks.begin(), tasks.end(), task) != tasks.end();
  } catch (const std::exception&) {
    return false;
  }
}

// Each framework plugin's workflows, as {"name", "description", "framework", …}.
tl::expected<json, HttpResponse> all_workflows(const RequestContext& context) {
  json list = json::array();
  for (const auto& plugin : context.plugins->plugins) {
    if (!runs(*plugin, "workflows")) continue;
    auto listed = run_framework_task(context, plugin->name, "workflows", json::object());
    if (!listed) return tl::unexpected(listed.error());
    for (auto workflow : listed->output.value("workflows", json::array())) {
      workflow["plugin"] = plugin->name;
      list.push_back(std::move(workflow));
    }
  }
  return list;
}

// The same run as server-sent events: `node` events as the graph's nodes finish, then
// `result` (the whole answer) or `error` (the error body), then `data: [DONE]`.
void stream_workflow(const RequestContext& context, const std::string& name, const json& body, Reply& reply) {
  start_event_stream(reply);
  context.on_event = [&reply](const json& event) { send_event(reply, event.value("type", "event"), event); };
  auto answer = run_workflow(context, name, body);
  context.on_event = nullptr;
  send_event(reply, answer ? "result" : "error", answer ? *answer : error_event(answer.error()));
  end_event_stream(reply);
}

}  // namespace

tl::expected<json, HttpResponse> run_workflow(const RequestContext& context, const std::string& name,
                                              const json& body) {
  auto list = all_workflows(context);
  if (!list) return tl::unexpected(list.error());
  std::string owner;
  for (const auto& workflow : *list) {
    if (workflow.value("name", "") == name) owner = workflow.value("plugin", "");
  }
  if (owner.empty()) {
    return tl::unexpected(error_response(404, "NOT_FOUND", "no workflow \"" + name + "\"", context.request_id));
  }
  json input = {{"workflow", name}, {"input", body.value("input", json::object())}};
  if (body.contains("run_id")) input["run_id"] = body["run_id"];
  const auto started = std::chrono::steady_clock::now();
  auto result = run_framework_task(context, owner, "workflow", std::move(input));
  if (!result) return tl::unexpected(result.error());
  auto out = task_totals_json(context, *result, started);
  out.update({{"workflow", name},
              {"framework", owner},
              {"run_id", result->output.value("run_id", "")},
              {"output", result->text},
              {"state", result->output.value("state", json::object())},
              {"events", result->output.value("events", json::array())}});
  return out;
}

void add_workflow_routes(Router& router, App& app) {
  router.add(
      "GET", "/api/workflows",
      [](const RequestContext& context, const PathParams&) {
        auto list = all_workflows(context);
        if (!list) return list.error();
        return json_response(200, {{"workflows", *list}});
      },
      RouteThread::worker);

  // Asynchronous so that it can stream: the run itself goes to the worker pool either way.
  router.add_async("POST", "/api/workflows/{name}",
                   [&app](const RequestContext& context, const PathParams& params, std::shared_ptr<Reply> reply) {
                     auto body = json_object_body(context);
                     if (!body) return reply->send(body.error());
                     json details = json::array();
                     if (body->contains("input") && !(*body)["input"].is_object()) {
                       details.push_back({{"field", "input"}, {"message", "must be an object"}});
                     }
                     if (body->contains("run_id") && !(*body)["run_id"].is_string()) {
                       details.push_back({{"field", "run_id"}, {"message", "must be text"}});
                     }
                     if (body->contains("stream") && !(*body)["stream"].is_boolean()) {
                       details.push_back({{"field", "stream"}, {"message", "must be true or false"}});
                     }
                     if (!details.empty()) {
                       return reply->send(error_response(422, "VALIDATION_ERROR", "invalid workflow request",
                                                         context.request_id, details));
                     }
                     run_on_worker(app, context, reply,
                                   [&context, reply, name = params.find("name")->second, body = std::move(*body)] {
                                     if (body.value("stream", false))
                                       return stream_workflow(context, name, body, *reply);
                                     auto answer = run_workflow(context, name, body);
                                     reply->send(answer ? json_response(200, *answer) : answer.error());
                                   });
                   });
}

}  // namespace switchboard
