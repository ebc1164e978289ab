// The log viewer's API: GET /internal/logs?level&request_id&trace_id&since&limit (admin token,
// like every /internal/ route) reads the JSON log file (`logging.file`) and its rotated
// predecessors back, newest lines first. Without a log file it answers 404 LOGS_NOT_CONFIGURED.
#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/request_context.hpp>

#include "../observability/log_reader.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

// Enough for the default rotation (5 files of 10 MiB) and a bound on one request's reading.
constexpr std::size_t kMaxScanBytes = 64 * 1024 * 1024;

HttpResponse read_log_page(App& app, const RequestContext& context) {
  const auto& logging = app.config().logging;
  if (logging.file.empty()) {
    return error_response(404, "LOGS_NOT_CONFIGURED",
                          "no log file: set logging.file to keep JSON log lines that this route can read",
                          context.request_id);
  }
  auto query = parse_log_query(parse_query(context.request.query), std::chrono::system_clock::now());
  if (!query) return error_response(400, "INVALID_REQUEST", query.error(), context.request_id);
  logging::flush();  // lines still in the loggers' buffers are the newest ones
  auto page = read_logs(logging.file, logging.max_files, *query, kMaxScanBytes);
  json lines = json::array();
  for (auto& line : page.lines) lines.push_back(std::move(line));
  return json_response(200, {{"logs", std::move(lines)},
                             {"count", page.lines.size()},
                             {"truncated", page.truncated},
                             {"scanned_bytes", page.scanned_bytes},
                             {"request_id", context.request_id}});
}

}  // namespace

void add_logs_routes(Router& router, App& app) {
  router.add(
      "GET", "/internal/logs",
      [&app](const RequestContext& context, const PathParams&) { return read_log_page(app, context); },
      RouteThread::worker);
}

}  // namespace switchboard
