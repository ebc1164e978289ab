// sbctl usage [--from --to --framework] [--by-day]: GET /api/cost/usage as aligned tables.
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "../arguments.hpp"
#include "../exit_codes.hpp"
#include "../session.hpp"
#include "../table.hpp"

namespace sbctl {
namespace {

using nlohmann::json;

struct UsageOptions {
  std::string from;
  std::string to;
  std::string framework;
  bool by_day = false;
};

void add_totals(Table& table, const std::string& label, const json& totals) {
  table.add_row({label, group_digits(totals.value("requests", std::int64_t{0})),
                 group_digits(totals.value("tokens", std::int64_t{0})), format_usd(totals.value("cost_usd", 0.0))});
}

void print_tables(const json& report, const UsageOptions& options) {
  const json summary = report.value("summary", json::object());
  const json range = summary.value("date_range", json::object());
  std::printf("usage %s .. %s (UTC days)%s\n\n", range.value("start", "?").c_str(), range.value("end", "?").c_str(),
              options.framework.empty() ? "" : (", framework " + options.framework).c_str());
  Table frameworks({{"FRAMEWORK"}, {"REQUESTS", Align::right}, {"TOKENS", Align::right}, {"COST_USD", Align::right}});
  const json by_framework = report.value("by_framework", json::object());
  for (const auto& [name, totals] : by_framework.items()) {
    add_totals(frameworks, name, totals);
  }
  add_totals(frameworks, "TOTAL",
             {{"requests", summary.value("total_requests", std::int64_t{0})},
              {"tokens", summary.value("total_tokens", std::int64_t{0})},
              {"cost_usd", summary.value("total_cost_usd", 0.0)}});
  std::fputs(frameworks.render().c_str(), stdout);
  if (options.by_day) {
    Table days({{"DATE"}, {"REQUESTS", Align::right}, {"TOKENS", Align::right}, {"COST_USD", Align::right}});
    for (const auto& day : report.value("by_day", json::array())) add_totals(days, day.value("date", "?"), day);
    std::fputs("\n", stdout);
    std::fputs(days.render().c_str(), stdout);
  }
}

int usage(Session& session, const UsageOptions& options) {
  std::string query;
  auto param = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    query += (query.empty() ? "?" : "&") + std::string(name) + "=" + session.client.escape(value);
  };
  param("start_date", options.from);
  param("end_date", options.to);
  param("framework", options.framework);
  return answer(session.client.get("/api/cost/usage" + query, Credential::api_key), session,
                [&](const json& report) { print_tables(report, options); });
}

}  // namespace

void add_usage_command(CLI::App& cli, Commands& commands) {
  auto options = std::make_shared<UsageOptions>();
  auto* command = cli.add_subcommand(
      "usage", "Requests, tokens and cost by framework over UTC days (default: the last 7 days and today)");
  const CLI::Validator date(
      [](std::string& value) { return is_iso_date(value) ? std::string() : "expected a date as YYYY-MM-DD"; },
      "YYYY-MM-DD");
  command->add_option("--from", options->from, "First day, YYYY-MM-DD")->check(date);
  command->add_option("--to", options->to, "Last day, YYYY-MM-DD (default: today)")->check(date);
  command->add_option("--framework", options->framework, "Only this framework (kernel, chain, graph, gateway, ...)");
  command->add_flag("--by-day", options->by_day, "Also print a table by day");
  commands.add(command, false, [options](Session& session) { return usage(session, *options); });
}

}  // namespace sbctl
