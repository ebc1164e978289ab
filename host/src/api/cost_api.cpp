// GET /api/cost/usage?start_date&end_date&framework — totals, by framework and by day, from
// the ledger's daily roll-up. GET /api/cost/transactions?limit&framework — the newest ledger
// rows. Both first flush the ledger writer, so a report includes every call made before it.
// Both report the caller's own calls only (owner.hpp); the admin API sees everyone's.
#include <chrono>
#include <cmath>

#include <re2/re2.h>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/usage_ledger.hpp>

#include "../ledger_writer.hpp"
#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;
namespace chrono = std::chrono;

json totals_json(const storage::UsageTotals& totals) {
  return {{"requests", totals.requests}, {"tokens", totals.tokens}, {"cost_usd", usd(totals.cost_nanousd)}};
}

std::optional<chrono::sys_days> parse_date(const std::string& text) {
  static const RE2 shape(R"(\d{4}-\d{2}-\d{2})");
  if (!RE2::FullMatch(text, shape)) return std::nullopt;
  const chrono::year_month_day day{chrono::year{std::stoi(text.substr(0, 4))},
                                   chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                                   chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
  if (!day.ok()) return std::nullopt;
  return chrono::sys_days{day};
}

std::string format_date(chrono::sys_days day) {
  const chrono::year_month_day ymd{day};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

HttpResponse invalid(const RequestContext& context, const json& details) {
  return error_response(422, "VALIDATION_ERROR", "invalid query parameters", context.request_id, details);
}

constexpr int kMaxDays = 366;

}  // namespace

void add_cost_routes(Router& router, App& app) {
  router.add(
      "GET", "/api/cost/usage",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        const auto today = chrono::floor<chrono::days>(chrono::system_clock::now());
        json details = json::array();
        auto date_param = [&](const char* name, chrono::sys_days fallback) {
          auto text = context.request.query_param(name);
          if (!text) return fallback;
          auto parsed = parse_date(*text);
          if (!parsed) {
            details.push_back({{"field", name}, {"message", "expected a date as YYYY-MM-DD"}});
            return fallback;
          }
          return *parsed;
        };
        const auto end = date_param("end_date", today);
        const auto start = date_param("start_date", end - chrono::days{7});
        if (details.empty() && start > end) {
          details.push_back({{"field", "start_date"}, {"message", "start_date is after end_date"}});
        }
        if (details.empty() && (end - start).count() > kMaxDays) {
          details.push_back({{"field", "start_date"}, {"message", "the range may span at most 366 days"}});
        }
        const std::string framework = context.request.query_param("framework").value_or("");
        if (framework.size() > 100) details.push_back({{"field", "framework"}, {"message", "too long"}});
        if (!details.empty()) return invalid(context, std::move(details));

        app.ledger_writer()->flush();
        const auto report = storage::UsageLedger(*app.database())
                                .usage(owner_of(context), format_date(start), format_date(end), framework);
        json by_framework = json::object();
        for (const auto& [name, totals] : report.by_framework)
          by_framework[name.empty() ? "none" : name] = totals_json(totals);
        json by_day = json::array();
        for (const auto& [day, totals] : report.by_day) {
          json entry = totals_json(totals);
          entry["date"] = day;
          by_day.push_back(std::move(entry));
        }
        const auto& total = report.total;
        return json_response(200,
                             {{"summary",
                               {{"total_requests", total.requests},
                                {"total_tokens", total.tokens},
                                {"total_cost_usd", usd(total.cost_nanousd)},
                                {"average_cost_per_request",
                                 total.requests ? usd(total.cost_nanousd) / static_cast<double>(total.requests) : 0.0},
                                {"date_range", {{"start", format_date(start)}, {"end", format_date(end)}}}}},
                              {"by_framework", by_framework},
                              {"by_day", by_day}});
      },
      RouteThread::worker);

  router.add(
      "GET", "/api/cost/transactions",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        json details = json::array();
        const int limit = int_param(context, "limit", 50, 1, 1000, details);
        const std::string framework = context.request.query_param("framework").value_or("");
        if (framework.size() > 100) details.push_back({{"field", "framework"}, {"message", "too long"}});
        if (!details.empty()) return invalid(context, std::move(details));

        app.ledger_writer()->flush();
        json list = json::array();
        for (const auto& row :
             storage::UsageLedger(*app.database()).transactions(owner_of(context), limit, framework)) {
          const auto& e = row.entry;
          list.push_back({{"id", row.id},
                          {"type", e.operation},
                          {"framework", e.framework},
                          {"provider", e.provider},
                          {"model", e.model},
                          {"input_tokens", e.input_tokens},
                          {"output_tokens", e.output_tokens},
                          {"cached_tokens", e.cached_tokens},
                          {"total_tokens", e.input_tokens + e.output_tokens},
                          {"estimated_cost_usd", usd(e.cost_nanousd)},
                          {"priced", e.priced},
                          {"generation_time_ms", std::round(e.latency_ms * 100.0) / 100.0},
                          {"status", e.status},
                          {"cache_hit", e.cache_hit},
                          {"avoided_cost_usd", usd(e.avoided_cost_nanousd)},
                          {"request_id", e.request_id},
                          {"transaction_guid", e.transaction_guid},
                          {"created_at", e.created_at}});
        }
        return json_response(200, {{"transactions", list}});
      },
      RouteThread::worker);
}

}  // namespace switchboard
