// API keys and who a request acts for: POST /admin/keys (the key is answered once; only its
// SHA-256 is stored), GET /admin/keys, DELETE /admin/keys/{id} (revokes); GET /v1/auth/status;
// GET /admin/routes (the route table, so tests and operators can check what auth guards).
#include <openssl/rand.h>

#include <cmath>

#include <re2/re2.h>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/api_keys.hpp>
#include <switchboard/storage/usage_ledger.hpp>

#include "../digest.hpp"
#include "../ledger_writer.hpp"
#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

json usd_or_null(std::int64_t nanousd) {
  return nanousd > 0 ? json(static_cast<double>(nanousd) / 1e9) : json(nullptr);
}

json key_json(const storage::ApiKey& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"team", key.team},
          {"rate_limit_per_hour", key.rate_limit_per_hour},
          {"active", key.active},
          {"created_at", key.created_at},
          {"expires_at", key.expires_at.empty() ? json(nullptr) : json(key.expires_at)},
          {"daily_budget_usd", usd_or_null(key.daily_budget_nanousd)},
          {"monthly_budget_usd", usd_or_null(key.monthly_budget_nanousd)}};
}

// {name, team?, rate_limit_per_hour?, expires_at?, daily_budget_usd?, monthly_budget_usd?}
// checked; {field, message} per problem.
storage::ApiKey key_from(const json& body, json& details) {
  storage::ApiKey key;
  auto text = [&](const char* field, std::size_t max, bool required) {
    if (!body.contains(field) || body[field].is_null()) {
      if (required) details.push_back({{"field", field}, {"message", "is required"}});
      return std::string();
    }
    if (!body[field].is_string() || body[field].get<std::string>().empty() ||
        body[field].get<std::string>().size() > max) {
      details.push_back({{"field", field}, {"message", "1 to " + std::to_string(max) + " characters"}});
      return std::string();
    }
    return body[field].get<std::string>();
  };
  key.name = text("name", 100, true);
  key.team = text("team", 100, false);
  key.expires_at = text("expires_at", 40, false);
  static const RE2 iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z)");
  if (!key.expires_at.empty() && !RE2::FullMatch(key.expires_at, iso)) {
    details.push_back({{"field", "expires_at"}, {"message", "an ISO-8601 UTC time, e.g. 2027-01-01T00:00:00Z"}});
  }
  if (body.contains("rate_limit_per_hour")) {
    const auto& limit = body["rate_limit_per_hour"];
    if (!limit.is_number_integer() || limit.get<std::int64_t>() < 1 || limit.get<std::int64_t>() > 1'000'000) {
      details.push_back({{"field", "rate_limit_per_hour"}, {"message", "a whole number from 1 to 1000000"}});
    } else {
      key.rate_limit_per_hour = limit.get<std::int64_t>();
    }
  }
  for (auto [field, budget] : {std::pair{"daily_budget_usd", &key.daily_budget_nanousd},
                               std::pair{"monthly_budget_usd", &key.monthly_budget_nanousd}}) {
    if (!body.contains(field) || body[field].is_null()) continue;
    const auto& value = body[field];
    if (!value.is_number() || !(value.get<double>() > 0) || value.get<double>() > 1e6) {
      details.push_back({{"field", field}, {"message", "a number of US dollars above 0, at most 1000000"}});
    } else {
      *budget = std::llround(value.get<double>() * 1e9);
    }
  }
  return key;
}

}  // namespace

void add_auth_routes(Router& router, App& app) {
  router.add(
      "POST", "/admin/keys",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        auto body = json_object_body(context);
        if (!body) return body.error();
        json details = json::array();
        auto key = key_from(*body, details);
        if (!details.empty()) {
          return error_response(422, "VALIDATION_ERROR", "invalid key request", context.request_id, details);
        }
        unsigned char secret[24];
        if (RAND_bytes(secret, sizeof secret) != 1) {
          return error_response(500, "INTERNAL_ERROR", "no random source", context.request_id);
        }
        const std::string plain = "sk_" + hex_of(secret, sizeof secret);
        key.key_hash = sha256_hex(plain);
        key.created_at = storage::utc_now();
        storage::ApiKeyRepository keys(*app.database());
        key.id = keys.create(key);
        record_admin_action(app, context, "key.create", key.id, {{"name", key.name}, {"team", key.team}});
        auto out = key_json(key);
        out["key"] = plain;  // the only time it is shown
        return json_response(201, out);
      },
      RouteThread::worker);

  router.add(
      "GET", "/admin/keys",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        // What each key spent this UTC day and month, as its budgets count it: the ledger,
        // with what this instance priced so far written to it first.
        if (app.ledger_writer()) app.ledger_writer()->flush();
        storage::UsageLedger ledger(*app.database());
        const std::string now = storage::utc_now();  // 2026-11-23T13:04:05.000000Z
        const std::string day_start = now.substr(0, 10) + "T00:00:00.000000Z";
        const std::string month_start = now.substr(0, 7) + "-01T00:00:00.000000Z";
        json list = json::array();
        for (const auto& key : storage::ApiKeyRepository(*app.database()).list()) {
          auto out = key_json(key);
          out["spent_today_usd"] = usd(ledger.spent_by_key(key.id, day_start));
          out["spent_this_month_usd"] = usd(ledger.spent_by_key(key.id, month_start));
          list.push_back(std::move(out));
        }
        return json_response(200, {{"keys", list}});
      },
      RouteThread::worker);

  router.add(
      "DELETE", "/admin/keys/{id}",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& id = params.find("id")->second;
        if (!storage::ApiKeyRepository(*app.database()).set_active(id, false)) {
          return error_response(404, "NOT_FOUND", "no key " + id, context.request_id);
        }
        record_admin_action(app, context, "key.revoke", id, json::object());
        return json_response(200, {{"id", id}, {"active", false}});
      },
      RouteThread::worker);

  router.add("GET", "/v1/auth/status", [](const RequestContext& context, const PathParams&) {
    const auto& principal = context.principal;
    json out = {{"authenticated", principal.has_value()}, {"request_id", context.request_id}};
    if (principal) {
      out["principal"] = {
          {"kind", principal->kind}, {"id", principal->id}, {"name", principal->name}, {"team", principal->team}};
    }
    return json_response(200, out);
  });

  router.add("GET", "/admin/routes", [&app](const RequestContext&, const PathParams&) {
    json list = json::array();
    for (const auto& route : app.router().routes()) list.push_back({{"method", route.method}, {"path", route.pattern}});
    return json_response(200, {{"routes", list}});
  });
}

}  // namespace switchboard
