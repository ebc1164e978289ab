// GET /v1/frameworks and POST /v1/frameworks/{name}/tasks/{task}: run one task of a
// framework plugin (the content API of stories, chat and context builds on this).
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>

#include "routes.hpp"

namespace switchboard {

void add_framework_routes(Router& router, App&) {
  router.add("GET", "/v1/frameworks", [](const RequestContext& context, const PathParams&) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : context.plugins->plugins) {
      if (!p->framework) continue;
      std::vector<std::string> tasks;
      try {
        tasks = p->framework->tasks();
      } catch (const std::exception&) {
      }
      list.push_back({{"name", p->name}, {"version", p->version}, {"description", p->description}, {"tasks", tasks}});
    }
    return json_response(200, {{"frameworks", list}});
  });

  router.add(
      "POST", "/v1/frameworks/{name}/tasks/{task}",
      [](const RequestContext& context, const PathParams& params) {
        const std::string& name = params.find("name")->second;
        auto framework = context.plugins->find(name);
        if (!framework || !framework->framework) {
          return error_response(404, "NOT_FOUND", "no framework named \"" + name + "\"", context.request_id);
        }
        auto input = json_object_body(context, /*empty_ok=*/true);
        if (!input) return input.error();
        plugin::TaskRequest task{params.find("task")->second, std::move(*input), context.request_id,
                                 context.transaction_guid};
        context.usage_operation = task.task;
        context.usage_framework = name;
        const auto started = std::chrono::steady_clock::now();
        tl::expected<plugin::TaskResult, plugin::TaskError> result;
        try {
          result = framework->framework->run(task);
        } catch (const std::exception& e) {
          Logger("frameworks").error("framework threw", {{"framework", name}, {"error", e.what()}});
          return error_response(500, "INTERNAL_ERROR", "framework \"" + name + "\" failed", context.request_id);
        }
        if (!result) {
          const auto& error = result.error();
          int status = error.http_status >= 400 && error.http_status <= 599 ? error.http_status : 500;
          return error_response(status, error.code.empty() ? "TASK_FAILED" : error.code, error.message,
                                context.request_id);
        }
        plugin::Usage usage;
        std::int64_t cost_nano = 0;
        for (const auto& call : *context.llm_calls) {
          usage.input_tokens += call.usage.input_tokens;
          usage.output_tokens += call.usage.output_tokens;
          usage.cached_tokens += call.usage.cached_tokens;
          cost_nano += call.cost_nano_usd;
        }
        nlohmann::json steps = nlohmann::json::array();
        for (const auto& step : result->steps) {
          steps.push_back({{"name", step.name},
                           {"model", step.model},
                           {"provider", step.provider},
                           {"input_tokens", step.usage.input_tokens},
                           {"output_tokens", step.usage.output_tokens},
                           {"duration_ms", step.duration_ms}});
        }
        return json_response(
            200, {{"framework", name},
                  {"framework_version", framework->version},
                  {"task", task.task},
                  {"text", result->text},
                  {"output", result->output},
                  {"steps", steps},
                  {"input_tokens", usage.input_tokens},
                  {"output_tokens", usage.output_tokens},
                  {"total_tokens", usage.total_tokens()},
                  {"estimated_cost_usd", static_cast<double>(cost_nano) / 1e9},
                  {"llm_calls", context.llm_calls->size()},
                  {"generation_time_ms",
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()},
                  {"request_id", context.request_id},
                  {"transaction_guid", context.transaction_guid}});
      },
      RouteThread::worker);
}

}  // namespace switchboard
