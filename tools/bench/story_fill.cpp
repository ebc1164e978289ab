// Fills a store with N stories through the server's own StoryRepository: two characters each
// from 1 000 names (so a name is in about 0.2 % of them), three frameworks, a 1 500-character
// text, spread over the last 90 days. Used by tools/bench/stories_list.sh.
//   bench_story_fill DATABASE_URL N
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/stories.hpp>
#include <switchboard/storage/usage_ledger.hpp>

int main(int argc, char** argv) {
  using namespace switchboard::storage;
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_story_fill DATABASE_URL N\n");
    return 2;
  }
  const long total = std::atol(argv[2]);
  try {
    auto database = open_database(argv[1], ".", 1);
    Migrator(*database).up();
    StoryRepository stories(*database);
    const char* frameworks[] = {"semantic_kernel", "langchain", "langgraph"};  // as stories store them
    const std::string text(1500, 'x');
    const auto now = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();
    for (long i = 0; i < total; ++i) {
      char primary[16], secondary[16];
      std::snprintf(primary, sizeof primary, "Name%04ld", i % 1000);
      std::snprintf(secondary, sizeof secondary, "Name%04ld", (i * 7 + 3) % 1000);
      Story s;
      s.primary_character = primary;
      s.secondary_character = secondary;
      s.combined_characters = s.primary_character + " and " + s.secondary_character;
      s.content = text;
      s.method = frameworks[i % 3];
      s.provider = "bench";
      s.model = "gpt-4o-mini";
      s.generation_time_ms = 1000.0 + static_cast<double>(i % 500);
      s.input_tokens = 40;
      s.output_tokens = 350;
      s.cost_nanousd = 216'000;
      s.request_id = "req_bench_" + std::to_string(i);
      s.created_at = utc_text(now - std::chrono::seconds((total - i) * 77));  // ids and times both grow
      stories.create(s);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("filled %ld stories in %.1f s (%.0f stories/s) into %s\n", total, seconds,
                static_cast<double>(total) / seconds, database->description().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_story_fill: %s\n", e.what());
    return 1;
  }
}
