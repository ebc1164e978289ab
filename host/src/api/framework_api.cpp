// GET /v1/frameworks and POST /v1/frameworks/{name}/tasks/{task}: run one task of a
// framework plugin (the content API of stories, chat and context builds on this).
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>

#include "common.hpp"
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
        const std::string& task = params.find("task")->second;
        const auto started = std::chrono::steady_clock::now();
        auto result = run_framework_task(context, name, task, std::move(*input));
        if (!result) return result.error();
        auto out = task_totals_json(context, *result, started);
        out.update({{"framework", name},
                    {"framework_version", framework->version},
                    {"task", task},
                    {"text", result->text},
                    {"output", result->output},
                    {"llm_calls", context.llm_calls->size()}});
        return json_response(200, out);
      },
      RouteThread::worker);
}

}  // namespace switchboard
