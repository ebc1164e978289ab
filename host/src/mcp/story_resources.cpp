// Stored stories as MCP resources: switchboard://stories/recent (the newest, as a list) and
// switchboard://stories/{id} (one), read as GET /api/stories answers them — JSON text.
#include <stdexcept>

#include <switchboard/error_response.hpp>

#include "../api/common.hpp"
#include "app_backend.hpp"

namespace switchboard::mcp {
namespace {

using nlohmann::json;

constexpr std::string_view kStoryPrefix = "switchboard://stories/";
constexpr std::string_view kRecentUri = "switchboard://stories/recent";
constexpr const char* kRecentCount = "10";
constexpr const char* kMimeType = "application/json";

json recent_resource() {
  return {{"uri", kRecentUri},
          {"name", "recent-stories"},
          {"title", "Recent stories"},
          {"description", std::string("The ") + kRecentCount + " newest stories, newest first"},
          {"mimeType", kMimeType}};
}

json contents(std::string_view uri, std::string text) {
  return json::array({{{"uri", uri}, {"mimeType", kMimeType}, {"text", std::move(text)}}});
}

// A failure of the store is the server's, not a missing resource: -32603 for the client.
[[noreturn]] void fail(const HttpResponse& response) {
  throw std::runtime_error("stories answered HTTP " + std::to_string(response.status));
}

}  // namespace

json AppBackend::resources() {
  json list = json::array({recent_resource()});
  const HttpResponse recent = request("GET", "/api/stories", std::string("limit=") + kRecentCount);
  if (recent.status != 200) fail(recent);
  for (const auto& story : json::parse(recent.body).value("stories", json::array())) {
    const std::string id = std::to_string(story.value("id", std::int64_t{0}));
    list.push_back({{"uri", std::string(kStoryPrefix) + id},
                    {"name", "story-" + id},
                    {"title", story.value("combined_characters", "") + " (" + story.value("method", "") + ")"},
                    {"mimeType", kMimeType}});
  }
  return list;
}

json AppBackend::resource_templates() {
  return json::array({{{"uriTemplate", std::string(kStoryPrefix) + "{id}"},
                       {"name", "story"},
                       {"title", "A stored story"},
                       {"mimeType", kMimeType}}});
}

std::optional<json> AppBackend::read_resource(const std::string& uri) {
  if (uri == kRecentUri) {
    const HttpResponse recent = request("GET", "/api/stories", std::string("limit=") + kRecentCount);
    if (recent.status != 200) fail(recent);
    return contents(uri, recent.body);
  }
  if (!uri.starts_with(kStoryPrefix)) return std::nullopt;
  const std::string id = uri.substr(kStoryPrefix.size());
  if (!path_id(id)) return std::nullopt;
  const HttpResponse story = request("GET", "/api/stories/" + id);
  if (story.status == 404) return std::nullopt;
  if (story.status != 200) fail(story);
  return contents(uri, story.body);
}

}  // namespace switchboard::mcp
