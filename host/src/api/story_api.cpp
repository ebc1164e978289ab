// Stories (seed 000): POST /api/semantic-kernel, /api/langchain, /api/langgraph write one
// through the `kernel`, `chain` or `graph` framework plugin and store it; GET /api/stories,
// GET /api/stories/{id}, GET /api/stories/search/characters, DELETE /api/stories.
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/stories.hpp>

#include "character_input.hpp"
#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

json story_json(const storage::Story& s) {
  return {{"id", s.id},
          {"primary_character", s.primary_character},
          {"secondary_character", s.secondary_character},
          {"combined_characters", s.combined_characters},
          {"story", s.content},
          {"method", s.method},
          {"provider", s.provider},
          {"model", s.model},
          {"generation_time_ms", s.generation_time_ms},
          {"input_tokens", s.input_tokens},
          {"output_tokens", s.output_tokens},
          {"total_tokens", s.input_tokens + s.output_tokens},
          {"estimated_cost_usd", usd(s.cost_nanousd)},
          {"request_id", s.request_id},
          {"transaction_guid", s.transaction_guid},
          {"created_at", s.created_at}};
}

}  // namespace

void add_story_routes(Router& router, App& app) {
  for (const auto& style : kFrameworkStyles) {
    router.add(
        "POST", std::string("/api/") + style.path,
        [&app, style](const RequestContext& context, const PathParams&) {
          auto body = json_object_body(context);
          if (!body) return body.error();
          json details = json::array();
          auto primary = clean_character(*body, "primary_character", details);
          auto secondary = clean_character(*body, "secondary_character", details);
          if (!details.empty()) {
            return error_response(422, "VALIDATION_ERROR", "invalid characters", context.request_id, details);
          }
          auto framework = context.plugins->find(style.plugin);
          if (!framework || !framework->framework) {
            return error_response(503, "FRAMEWORK_UNAVAILABLE",
                                  std::string("the \"") + style.plugin + "\" framework plugin is not loaded",
                                  context.request_id);
          }
          context.usage_operation = "story";
          context.usage_framework = style.plugin;
          plugin::TaskRequest task{"story",
                                   {{"primary_character", *primary}, {"secondary_character", *secondary}},
                                   context.request_id,
                                   context.transaction_guid};
          const auto started = std::chrono::steady_clock::now();
          tl::expected<plugin::TaskResult, plugin::TaskError> result;
          try {
            result = framework->framework->run(task);
          } catch (const std::exception& e) {
            Logger("stories").error("framework threw", {{"framework", style.plugin}, {"error", e.what()}});
            return error_response(500, "INTERNAL_ERROR", "the story could not be written", context.request_id);
          }
          if (!result) {
            const auto& error = result.error();
            const int status = error.http_status >= 400 && error.http_status <= 599 ? error.http_status : 500;
            return error_response(status, error.code.empty() ? "STORY_FAILED" : error.code, error.message,
                                  context.request_id);
          }
          storage::Story story;
          story.primary_character = *primary;
          story.secondary_character = *secondary;
          story.combined_characters = *primary + " and " + *secondary;
          story.content = result->text;
          story.method = style.method;
          story.generation_time_ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
          const auto totals = call_totals(context);  // every LLM step the framework took
          story.input_tokens = totals.input_tokens;
          story.output_tokens = totals.output_tokens;
          story.cost_nanousd = totals.cost_nanousd;
          story.provider = totals.provider;
          story.model = totals.model;
          story.request_id = context.request_id;
          story.transaction_guid = context.transaction_guid;
          story.created_at = storage::utc_now();
          if (auto* database = app.database()) story.id = storage::StoryRepository(*database).create(story);
          auto out = story_json(story);
          out.erase("created_at");
          return json_response(200, out);
        },
        RouteThread::worker);
  }

  router.add(
      "GET", "/api/stories",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        json details = json::array();
        storage::StoryQuery query;
        query.offset = int_param(context, "skip", 0, 0, 1'000'000'000, details);
        query.limit = int_param(context, "limit", 10, 1, 100, details);
        query.method = context.request.query_param("framework").value_or("");
        if (!details.empty()) {
          return error_response(422, "VALIDATION_ERROR", "invalid query parameters", context.request_id, details);
        }
        storage::StoryRepository stories(*app.database());
        json list = json::array();
        for (const auto& story : stories.list(query)) list.push_back(story_json(story));
        return json_response(
            200, {{"stories", list}, {"total", stories.count(query)}, {"skip", query.offset}, {"limit", query.limit}});
      },
      RouteThread::worker);

  router.add(
      "GET", "/api/stories/search/characters",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        const auto character = context.request.query_param("character").value_or("");
        if (character.empty() || character.size() > 100) {
          return error_response(422, "VALIDATION_ERROR", "invalid query parameters", context.request_id,
                                json::array({{{"field", "character"}, {"message", "1 to 100 characters"}}}));
        }
        storage::StoryQuery query;
        query.character = character;
        query.limit = 100;
        json list = json::array();
        for (const auto& story : storage::StoryRepository(*app.database()).list(query))
          list.push_back(story_json(story));
        return json_response(200, list);
      },
      RouteThread::worker);

  router.add(
      "GET", "/api/stories/{id}",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& text = params.find("id")->second;
        const auto id = path_id(text);
        const auto story = id ? storage::StoryRepository(*app.database()).get(*id) : std::nullopt;
        if (!story) return error_response(404, "NOT_FOUND", "no story " + text, context.request_id);
        return json_response(200, story_json(*story));
      },
      RouteThread::worker);

  router.add(
      "DELETE", "/api/stories",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        const auto deleted = storage::StoryRepository(*app.database()).remove_all();
        return json_response(200, {{"message", "All stories deleted successfully"}, {"deleted_count", deleted}});
      },
      RouteThread::worker);
}

}  // namespace switchboard
