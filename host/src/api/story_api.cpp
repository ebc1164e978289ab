// Stories (seed 000): POST /api/semantic-kernel, /api/langchain, /api/langgraph write one
// through the `kernel`, `chain` or `graph` framework plugin and store it; GET /api/stories
// (newest first, by `skip` or by the `before` cursor a page's `next_cursor` gives),
// GET /api/stories/{id}, GET /api/stories/search/characters, DELETE /api/stories; and
// POST /api/compare, one story through all three at once. Each caller sees, and deletes, only
// its own stories (owner.hpp).
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/stories.hpp>

#include "../parallel_runner.hpp"
#include "character_input.hpp"
#include "common.hpp"
#include "routes.hpp"
#include "story_cursor.hpp"

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

// The two characters of a story request, cleaned; 422 with a detail per bad field.
tl::expected<std::pair<std::string, std::string>, HttpResponse> story_characters(const RequestContext& context) {
  auto body = json_object_body(context);
  if (!body) return tl::unexpected(body.error());
  json details = json::array();
  auto primary = clean_character(*body, "primary_character", details);
  auto secondary = clean_character(*body, "secondary_character", details);
  if (!details.empty()) {
    return tl::unexpected(error_response(422, "VALIDATION_ERROR", "invalid characters", context.request_id, details));
  }
  return std::pair{*primary, *secondary};
}

// Writes one story through `style`'s framework and stores it; the story as answered.
tl::expected<json, HttpResponse> write_story(App& app, const RequestContext& context, const FrameworkStyle& style,
                                             const std::string& primary, const std::string& secondary) {
  const auto started = std::chrono::steady_clock::now();
  auto result = run_framework_task(context, style.plugin, "story",
                                   {{"primary_character", primary}, {"secondary_character", secondary}});
  if (!result) return tl::unexpected(result.error());
  storage::Story story;
  story.primary_character = primary;
  story.secondary_character = secondary;
  story.combined_characters = primary + " and " + secondary;
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
  story.owner = owner_of(context);
  story.request_id = context.request_id;
  story.transaction_guid = context.transaction_guid;
  story.created_at = storage::utc_now();
  if (auto* database = app.database()) story.id = storage::StoryRepository(*database).create(story);
  auto out = story_json(story);
  out.erase("created_at");
  out["steps"] = task_totals_json(context, *result, started)["steps"];
  return out;
}

}  // namespace

void add_story_routes(Router& router, App& app) {
  for (const auto& style : kFrameworkStyles) {
    router.add(
        "POST", std::string("/api/") + style.path,
        [&app, style](const RequestContext& context, const PathParams&) {
          auto characters = story_characters(context);
          if (!characters) return characters.error();
          const auto& [primary, secondary] = *characters;
          auto story = write_story(app, context, style, primary, secondary);
          if (!story) return story.error();
          return json_response(200, *story);
        },
        RouteThread::worker);
  }

  // Beyond the seed: one story request through all three frameworks at once, each stored.
  router.add(
      "POST", "/api/compare",
      [&app](const RequestContext& context, const PathParams&) {
        auto characters = story_characters(context);
        if (!characters) return characters.error();
        const auto& [primary, secondary] = *characters;
        constexpr std::size_t kStyles = std::size(kFrameworkStyles);
        // Each framework runs as its own part of the request: its own LLM call records.
        std::vector<std::vector<LlmCallRecord>> calls(kStyles);
        std::vector<tl::expected<json, HttpResponse>> results(kStyles, tl::unexpected(HttpResponse{}));
        std::vector<std::function<void()>> tasks;
        const auto started = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < kStyles; ++i) {
          tasks.emplace_back([&, i] {
            RequestContext part{context.request,
                                context.request_id,
                                context.transaction_guid,
                                context.plugins,
                                context.started,
                                &calls[i],
                                "story",
                                kFrameworkStyles[i].plugin,
                                {},
                                context.principal,
                                context.info,
                                context.middleware,
                                context.cache_bypass,
                                context.cache_ttl};
            part.owner = context.owner;
            CurrentRequestScope scope(part);
            results[i] = write_story(app, part, kFrameworkStyles[i], primary, secondary);
          });
        }
        app.parallel().run(tasks);
        json out = {{"primary_character", primary}, {"secondary_character", secondary}, {"results", json::array()}};
        for (std::size_t i = 0; i < kStyles; ++i) {
          json entry = {{"framework", kFrameworkStyles[i].method}};
          if (results[i]) {
            entry["ok"] = true;
            entry["story"] = *results[i];
          } else {
            entry["ok"] = false;
            entry["status"] = results[i].error().status;
            entry["error"] = json::parse(results[i].error().body, nullptr, false).value("error", json::object());
          }
          out["results"].push_back(std::move(entry));
        }
        out["total_time_ms"] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        out["request_id"] = context.request_id;
        out["transaction_guid"] = context.transaction_guid;
        return json_response(200, out);
      },
      RouteThread::worker);

  router.add(
      "GET", "/api/stories",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        json details = json::array();
        storage::StoryQuery query;
        query.owner = owner_of(context);
        query.offset = int_param(context, "skip", 0, 0, 1'000'000'000, details);
        query.limit = int_param(context, "limit", 10, 1, 100, details);
        query.method = context.request.query_param("framework").value_or("");
        if (const auto before = context.request.query_param("before")) {
          query.before = parse_story_cursor(*before);
          if (!query.before) details.push_back({{"field", "before"}, {"message", "a next_cursor of this list"}});
        }
        if (!details.empty()) {
          return error_response(422, "VALIDATION_ERROR", "invalid query parameters", context.request_id, details);
        }
        storage::StoryRepository stories(*app.database());
        const auto page = stories.list(query);
        json list = json::array();
        for (const auto& story : page) list.push_back(story_json(story));
        // A full page may have more after it: where the next one starts.
        const json next =
            page.size() == static_cast<std::size_t>(query.limit) ? json(story_cursor_text(page.back())) : json(nullptr);
        return json_response(200, {{"stories", list},
                                   {"total", stories.count(query)},
                                   {"skip", query.offset},
                                   {"limit", query.limit},
                                   {"next_cursor", next}});
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
        query.owner = owner_of(context);
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
        const auto story = id ? storage::StoryRepository(*app.database()).get(*id, owner_of(context)) : std::nullopt;
        if (!story) return error_response(404, "NOT_FOUND", "no story " + text, context.request_id);
        return json_response(200, story_json(*story));
      },
      RouteThread::worker);

  router.add(
      "DELETE", "/api/stories/{id}",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& text = params.find("id")->second;
        const auto id = path_id(text);
        if (!id || !storage::StoryRepository(*app.database()).remove(*id, owner_of(context))) {
          return error_response(404, "NOT_FOUND", "no story " + text, context.request_id);
        }
        return json_response(200, {{"message", "Story deleted successfully"}, {"story_id", *id}});
      },
      RouteThread::worker);

  router.add(
      "DELETE", "/api/stories",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        const auto deleted = storage::StoryRepository(*app.database()).remove_all(owner_of(context));
        return json_response(200, {{"message", "All stories deleted successfully"}, {"deleted_count", deleted}});
      },
      RouteThread::worker);
}

}  // namespace switchboard
