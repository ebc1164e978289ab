// The web console (console/, a Vite + React app): GET / answers its index.html and
// GET /assets/{file} its built files, from paths.console_dir (console/dist after
// `npm run build`, which tools/dev runs). The page is public like /docs — it holds no data;
// every call it makes carries the user's own credential. Asset names carry a content hash,
// so they are cached for a year; the page itself is revalidated on every load.
#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/router.hpp>

#include "console_assets.hpp"
#include "routes.hpp"
#include "static_content.hpp"

namespace switchboard {
namespace {

// Scripts, styles, images and API calls from this server only; the same as the
// security-headers middleware's default, which replaces it when that is loaded.
constexpr const char* kPagePolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

HttpResponse console_unavailable(const RequestContext& context, const std::filesystem::path& dir) {
  return error_response(503, "CONSOLE_UNAVAILABLE",
                        "the web console is not built in " + dir.string() +
                            ": run `npm run build` in console/ (tools/dev run does), or set paths.console_dir",
                        context.request_id);
}

}  // namespace

void add_console_routes(Router& router, App& app) {
  auto files = std::make_shared<StaticFolder>(app.paths().console_dir);
  // On workers: a file is read from disk when it is first asked for or has changed.
  router.add(
      "GET", "/",
      [files](const RequestContext& context, const PathParams&) {
        const auto page = files->get("index.html");
        if (!page) return console_unavailable(context, files->dir());
        auto response = static_content_response(context, *page, "text/html; charset=utf-8", "no-cache");
        response.set_header("Content-Security-Policy", kPagePolicy);
        return response;
      },
      RouteThread::worker);
  router.add(
      "GET", "/assets/{file}",
      [files](const RequestContext& context, const PathParams& params) {
        const std::string& name = params.at("file");
        const auto not_found = [&] {
          return error_response(404, "NOT_FOUND", "no console file \"" + name + "\"", context.request_id);
        };
        if (!is_console_asset_name(name)) return not_found();
        const auto content = files->get("assets/" + name);
        if (!content) return files->get("index.html") ? not_found() : console_unavailable(context, files->dir());
        return static_content_response(context, *content, *console_asset_type(name),
                                       "public, max-age=31536000, immutable");
      },
      RouteThread::worker);
}

}  // namespace switchboard
