// Fills a store's usage ledger with N calls spread over the last 90 days and three
// frameworks, through the same UsageLedger::append the server uses (so the daily roll-up is
// filled as in production). Used by tools/bench/cost_usage.sh.
//   bench_ledger_fill DATABASE_URL N
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/usage_ledger.hpp>

int main(int argc, char** argv) {
  using namespace switchboard::storage;
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_ledger_fill DATABASE_URL N\n");
    return 2;
  }
  const long total = std::atol(argv[2]);
  try {
    auto database = open_database(argv[1], ".", 1);
    Migrator(*database).up();
    UsageLedger ledger(*database);
    const char* frameworks[] = {"kernel", "chain", "graph"};
    const auto now = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();
    std::vector<LedgerEntry> batch;
    for (long i = 0; i < total; ++i) {
      LedgerEntry e;
      e.request_id = "req_bench_" + std::to_string(i);
      e.operation = "story";
      e.framework = frameworks[i % 3];
      e.provider = "bench";
      e.model = "gpt-4o-mini";
      e.input_tokens = 40 + i % 50;
      e.output_tokens = 300 + i % 200;
      e.cost_nanousd = e.input_tokens * 150 + e.output_tokens * 600;
      e.latency_ms = 1000.0 + static_cast<double>(i % 500);
      e.created_at = utc_text(now - std::chrono::minutes((i * 7919) % (90 * 24 * 60)));
      batch.push_back(std::move(e));
      if (batch.size() == 10'000 || i + 1 == total) {
        ledger.append(batch);
        batch.clear();
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("filled %ld ledger rows in %.1f s (%.0f rows/s) into %s\n", total, seconds,
                static_cast<double>(total) / seconds, database->description().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ledger_fill: %s\n", e.what());
    return 1;
  }
}
