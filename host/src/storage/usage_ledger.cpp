#include <switchboard/storage/usage_ledger.hpp>

#include <algorithm>
#include <map>
#include <tuple>

#include "sql_helpers.hpp"

namespace switchboard::storage {

void UsageLedger::append(const std::vector<LedgerEntry>& entries) {
  if (entries.empty()) return;
  const std::string now = utc_now();
  std::map<std::tuple<std::string, std::string, std::string>, UsageTotals> daily;  // owner, day, framework
  database_.transaction([&](Session& session) {
    // Many rows per statement: one round trip per 128 rows instead of one per row. Both
    // drivers keep each connection's statements prepared by SQL text, so the row counts are
    // powers of two (128, then what is left as 64, 32 … 1): eight statements in all. With a
    // statement for every count up to 100, the server's memory grew by tens of MB over a
    // million calls, one large cached statement per batch size (tools/bench/memory_reload.sh).
    for (std::size_t first = 0; first < entries.size();) {
      std::size_t count = 128;
      while (count > entries.size() - first) count /= 2;
      std::string sql =
          "INSERT INTO usage_ledger (request_id, transaction_guid, operation, framework, provider, model, "
          "input_tokens, output_tokens, cached_tokens, cost_nanousd, priced, input_price_per_mtok_microusd, "
          "output_price_per_mtok_microusd, cached_price_per_mtok_microusd, latency_ms, status, api_key_id, created_at, "
          "cache_hit, avoided_cost_nanousd, owner) VALUES ";
      std::vector<Value> params;
      params.reserve(count * 21);
      for (std::size_t i = first; i < first + count; ++i) {
        const auto& e = entries[i];
        const std::string created = e.created_at.empty() ? now : e.created_at;
        sql += i == first ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        for (Value v : {nullable(e.request_id),
                        nullable(e.transaction_guid),
                        Value{e.operation},
                        nullable(e.framework),
                        Value{e.provider},
                        Value{e.model},
                        Value{e.input_tokens},
                        Value{e.output_tokens},
                        Value{e.cached_tokens},
                        Value{e.cost_nanousd},
                        Value{std::int64_t{e.priced ? 1 : 0}},
                        Value{e.input_price_per_mtok_microusd},
                        Value{e.output_price_per_mtok_microusd},
                        Value{e.cached_price_per_mtok_microusd},
                        Value{e.latency_ms},
                        Value{e.status},
                        nullable(e.api_key_id),
                        Value{created},
                        Value{std::int64_t{e.cache_hit ? 1 : 0}},
                        Value{e.avoided_cost_nanousd},
                        Value{e.owner}}) {
          params.push_back(std::move(v));
        }
        auto& totals = daily[{e.owner, created.substr(0, 10), e.framework}];
        totals.requests += 1;
        totals.tokens += e.input_tokens + e.output_tokens;
        totals.cost_nanousd += e.cost_nanousd;
      }
      session.query(sql, params);
      first += count;
    }
    for (const auto& [key, totals] : daily) {
      const auto& [owner, day, framework] = key;
      session.query(
          "INSERT INTO usage_daily (owner, day, framework, requests, tokens, cost_nanousd) VALUES (?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (owner, day, framework) DO UPDATE SET requests = usage_daily.requests + excluded.requests, "
          "tokens = usage_daily.tokens + excluded.tokens, "
          "cost_nanousd = usage_daily.cost_nanousd + excluded.cost_nanousd",
          {owner, day, framework, totals.requests, totals.tokens, totals.cost_nanousd});
    }
  });
}

UsageReport UsageLedger::usage(const std::string& owner, const std::string& start, const std::string& end,
                               const std::string& framework) {
  const bool sqlite = database_.dialect() == Dialect::sqlite;
  const std::string day = sqlite ? "day" : "to_char(day, 'YYYY-MM-DD')";
  const std::string where =
      std::string(" WHERE owner = ? AND day >= ? AND day <= ?") + (framework.empty() ? "" : " AND framework = ?");
  std::vector<Value> params = {owner, start, end};
  if (!framework.empty()) params.emplace_back(framework);
  UsageReport report;
  auto totals_of = [](const Row& row, std::size_t first) {
    return UsageTotals{row.integer(first), row.integer(first + 1), row.integer(first + 2)};
  };
  const std::string sums = "SUM(requests), SUM(tokens), SUM(cost_nanousd)";
  for (const auto& row : database_.query(
           "SELECT framework, " + sums + " FROM usage_daily" + where + " GROUP BY framework ORDER BY framework",
           params)) {
    report.by_framework.emplace_back(row.text(0), totals_of(row, 1));
  }
  for (const auto& row : database_.query(
           "SELECT " + day + ", " + sums + " FROM usage_daily" + where + " GROUP BY day ORDER BY day", params)) {
    report.by_day.emplace_back(row.text(0), totals_of(row, 1));
  }
  for (const auto& [name, totals] : report.by_framework) {
    report.total.requests += totals.requests;
    report.total.tokens += totals.tokens;
    report.total.cost_nanousd += totals.cost_nanousd;
  }
  return report;
}

std::vector<LedgerRow> UsageLedger::transactions(const std::string& owner, int limit, const std::string& framework) {
  const Dialect dialect = database_.dialect();
  const std::string priced = select_bool(dialect, "priced");
  std::string sql =
      "SELECT id, request_id, transaction_guid, operation, framework, provider, model, input_tokens, output_tokens, "
      "cached_tokens, cost_nanousd, " +
      priced +
      ", input_price_per_mtok_microusd, output_price_per_mtok_microusd, cached_price_per_mtok_microusd, latency_ms, "
      "status, api_key_id, " +
      select_time(dialect, "created_at") + ", " + select_bool(dialect, "cache_hit") +
      ", avoided_cost_nanousd, owner FROM usage_ledger WHERE owner = ?";
  std::vector<Value> params = {owner};
  if (!framework.empty()) {
    sql += " AND framework = ?";
    params.emplace_back(framework);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(std::int64_t{limit});
  std::vector<LedgerRow> out;
  for (const auto& row : database_.query(sql, params)) {
    LedgerRow r;
    r.id = row.integer(0);
    auto& e = r.entry;
    e.request_id = row.text(1);
    e.transaction_guid = row.text(2);
    e.operation = row.text(3);
    e.framework = row.text(4);
    e.provider = row.text(5);
    e.model = row.text(6);
    e.input_tokens = row.integer(7);
    e.output_tokens = row.integer(8);
    e.cached_tokens = row.integer(9);
    e.cost_nanousd = row.integer(10);
    e.priced = row.integer(11) != 0;
    e.input_price_per_mtok_microusd = row.integer(12);
    e.output_price_per_mtok_microusd = row.integer(13);
    e.cached_price_per_mtok_microusd = row.integer(14);
    e.latency_ms = row.real(15);
    e.status = row.text(16);
    e.api_key_id = row.text(17);
    e.created_at = row.text(18);
    e.cache_hit = row.integer(19) != 0;
    e.avoided_cost_nanousd = row.integer(20);
    e.owner = row.text(21);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t UsageLedger::spent_by_key(const std::string& api_key_id, const std::string& since) {
  return spent_since("api_key_id", api_key_id, since);
}

std::int64_t UsageLedger::spent_by_owner(const std::string& owner, const std::string& since) {
  return spent_since("owner", owner, since);
}

std::int64_t UsageLedger::spent_since(const char* column, const std::string& value, const std::string& since) {
  auto rows = database_.query("SELECT CAST(COALESCE(SUM(cost_nanousd), 0) AS BIGINT) FROM usage_ledger WHERE " +
                                  std::string(column) + " = ? AND created_at >= ?",
                              {value, since});
  return rows.empty() ? 0 : rows[0].integer(0);
}

}  // namespace switchboard::storage
