// The API's own documentation, public like /health (the `auth` plugin lets these paths by):
// GET /openapi.json — host/openapi/openapi.yaml, compiled in, as JSON; GET /docs — Swagger UI
// on it; GET /docs/{asset} — the page's files. Swagger UI's own come from paths.docs_ui_dir
// (npm swagger-ui-dist, pinned in host/docs-ui/package.json and installed there by tools/dev)
// rather than the binary: npm pins and updates that 1.5 MB of JavaScript, and the page is a
// convenience the API does not depend on. The page and its start script are compiled in.
// Every answer carries an ETag and honours If-None-Match, so a browser revalidates cheaply.
#include "docs_api.hpp"

#include <filesystem>
#include <memory>

#include <yaml-cpp/yaml.h>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/router.hpp>

#include "../yaml_json.hpp"
#include "routes.hpp"
#include "static_content.hpp"

namespace switchboard {
namespace {

constexpr DocsAsset kAssets[] = {
    {"swagger-ui.css", "text/css; charset=utf-8", true},
    {"swagger-ui-bundle.js", "text/javascript; charset=utf-8", true},
    {"favicon-16x16.png", "image/png", true},
    {"favicon-32x32.png", "image/png", true},
    {"switchboard-docs.js", "text/javascript; charset=utf-8", false},
};

// The page's own policy, so it runs under one even without the security-headers middleware
// (whose policy, when it is loaded, replaces this one): scripts, styles and images from this
// server only.
constexpr const char* kPagePolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

HttpResponse docs_unavailable(const RequestContext& context, const std::filesystem::path& dir) {
  return error_response(503, "DOCS_UNAVAILABLE",
                        "Swagger UI's files are not in " + dir.string() +
                            ": run `npm ci` in host/docs-ui (tools/dev run does), or set paths.docs_ui_dir",
                        context.request_id);
}

}  // namespace

nlohmann::json openapi_document() {
  auto document = yaml_to_json(YAML::Load(std::string(embedded_openapi_yaml())));
  document["info"]["version"] = SWITCHBOARD_VERSION;
  return document;
}

std::optional<DocsAsset> find_docs_asset(std::string_view name) {
  for (const auto& asset : kAssets) {
    if (asset.name == name) return asset;
  }
  return std::nullopt;
}

void add_docs_routes(Router& router, App& app) {
  // Made at start-up: a document that does not parse fails the unit tests, never a request.
  auto document = make_static_content(openapi_document().dump());
  router.add("GET", "/openapi.json", [document](const RequestContext& context, const PathParams&) {
    return static_content_response(context, *document, "application/json", "public, max-age=60");
  });

  auto files = std::make_shared<StaticFolder>(app.paths().docs_ui_dir);
  auto page = make_static_content(std::string(embedded_docs_page()));
  // On workers: the first request for a file reads it from disk.
  router.add(
      "GET", "/docs",
      [files, page](const RequestContext& context, const PathParams&) {
        // Without Swagger UI's files the page would be blank: say what is missing instead.
        for (const auto& asset : kAssets) {
          if (asset.from_package && !files->get(asset.name)) return docs_unavailable(context, files->dir());
        }
        auto response = static_content_response(context, *page, "text/html; charset=utf-8", "no-cache");
        response.set_header("Content-Security-Policy", kPagePolicy);
        return response;
      },
      RouteThread::worker);

  auto script = make_static_content(std::string(embedded_docs_script()));
  router.add(
      "GET", "/docs/{asset}",
      [files, script](const RequestContext& context, const PathParams& params) {
        const std::string& name = params.at("asset");
        const auto asset = find_docs_asset(name);
        if (!asset)
          return error_response(404, "NOT_FOUND", "no documentation file \"" + name + "\"", context.request_id);
        const auto content = asset->from_package ? files->get(asset->name) : script;
        if (!content) return docs_unavailable(context, files->dir());
        return static_content_response(context, *content, asset->content_type, "public, max-age=3600");
      },
      RouteThread::worker);
}

}  // namespace switchboard
