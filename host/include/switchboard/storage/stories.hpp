#pragma once
// Generated stories (seed 000's Story): what was asked, what came back, and what it cost.
// Each belongs to its owner (owner.hpp): every read, list, count and delete names the owner
// and sees only that owner's stories.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct Story {
  std::int64_t id = 0;  // set by the store
  std::string owner;
  std::string primary_character;
  std::string secondary_character;
  std::string combined_characters;
  std::string content;
  std::string method;  // the framework
  std::string provider;
  std::string model;
  double generation_time_ms = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cost_nanousd = 0;
  std::int64_t input_price_per_mtok_microusd = 0;
  std::int64_t output_price_per_mtok_microusd = 0;
  std::string request_id;
  std::string transaction_guid;
  std::string created_at;  // utc_now() when empty
};

// Where a page of the newest-first list ended: the last story's time and id.
struct StoryCursor {
  std::string created_at;
  std::int64_t id = 0;
};

struct StoryQuery {
  std::string owner;  // whose stories (always applied: "" is single-user mode's owner)
  int limit = 50;
  int offset = 0;                     // after `before`, when given
  std::string method;                 // empty: all
  std::string search;                 // words in the characters or the text, case-insensitive; empty: all
  std::string character;              // a name in the characters, case-insensitive; empty: all
  std::optional<StoryCursor> before;  // only stories older than this one (keyset paging)
};

class StoryRepository {
 public:
  explicit StoryRepository(Database& database) : database_(database) {}
  std::int64_t create(const Story& story);
  std::optional<Story> get(std::int64_t id, const std::string& owner);
  std::vector<Story> list(const StoryQuery& query);  // newest first
  std::int64_t count(const StoryQuery& query);       // matching its filters; paging aside
  bool remove(std::int64_t id, const std::string& owner);
  std::int64_t remove_all(const std::string& owner);  // returns how many

 private:
  Database& database_;
};

}  // namespace switchboard::storage
