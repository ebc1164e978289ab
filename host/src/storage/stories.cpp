#include <switchboard/storage/stories.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

std::string columns(Dialect dialect) {
  return "id, owner, primary_character, secondary_character, combined_characters, story_content, method, provider, "
         "model, "
         "generation_time_ms, input_tokens, output_tokens, cost_nanousd, input_price_per_mtok_microusd, "
         "output_price_per_mtok_microusd, request_id, transaction_guid, " +
         select_time(dialect, "created_at");
}

Story story_of(const Row& row) {
  Story s;
  s.id = row.integer(0);
  s.owner = row.text(1);
  s.primary_character = row.text(2);
  s.secondary_character = row.text(3);
  s.combined_characters = row.text(4);
  s.content = row.text(5);
  s.method = row.text(6);
  s.provider = row.text(7);
  s.model = row.text(8);
  s.generation_time_ms = row.real(9);
  s.input_tokens = row.integer(10);
  s.output_tokens = row.integer(11);
  s.cost_nanousd = row.integer(12);
  s.input_price_per_mtok_microusd = row.integer(13);
  s.output_price_per_mtok_microusd = row.integer(14);
  s.request_id = row.text(15);
  s.transaction_guid = row.text(16);
  s.created_at = row.text(17);
  return s;
}

// `text` as a LIKE pattern matching it anywhere, its wildcards taken literally.
std::string contains_pattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + '%';
}

// Stories whose characters contain `name`, case-insensitive, through each engine's index of
// them (migration 0009): a trigram index on PostgreSQL, an FTS5 trigram table on SQLite.
std::string character_clause(Dialect dialect, const std::string& name, std::vector<Value>& params) {
  if (dialect == Dialect::postgres) {
    params.emplace_back(contains_pattern(name));
    return " AND LOWER(combined_characters) LIKE LOWER(?) ESCAPE '\\'";
  }
  // FTS5 answers LIKE from its index only without an ESCAPE clause (and for three characters
  // or more): a name with a wildcard character in it (rare) is matched literally by reading
  // every name, as before the index.
  const std::string select = " AND id IN (SELECT rowid FROM story_characters WHERE combined_characters LIKE ?";
  if (name.find_first_of("%_") == std::string::npos) {
    params.emplace_back("%" + name + "%");
    return select + ")";
  }
  params.emplace_back(contains_pattern(name));
  return select + " ESCAPE '\\')";
}

// The WHERE clause of a query, and its parameters.
std::string where(Dialect dialect, const StoryQuery& query, std::vector<Value>& params) {
  std::string clause = " WHERE owner = ?";
  params.emplace_back(query.owner);
  if (!query.method.empty()) {
    clause += " AND method = ?";
    params.emplace_back(query.method);
  }
  if (!query.character.empty()) clause += character_clause(dialect, query.character, params);
  if (!query.search.empty()) {
    const std::string pattern = contains_pattern(query.search);
    clause +=
        " AND (LOWER(combined_characters) LIKE LOWER(?) ESCAPE '\\' OR LOWER(story_content) LIKE LOWER(?) ESCAPE '\\')";
    params.emplace_back(pattern);
    params.emplace_back(pattern);
  }
  if (query.before) {
    // Newest first by (created_at, id): what comes after the cursor. Written as a range on
    // created_at (plus the ties) so both engines start the index walk at the cursor however
    // deep the page, where OFFSET walks every row before it.
    clause += " AND created_at <= ? AND (created_at < ? OR id < ?)";
    params.emplace_back(query.before->created_at);
    params.emplace_back(query.before->created_at);
    params.emplace_back(query.before->id);
  }
  return clause;
}

}  // namespace

std::int64_t StoryRepository::create(const Story& s) {
  return database_
      .query(
          "INSERT INTO stories (owner, primary_character, secondary_character, combined_characters, story_content, "
          "method, "
          "provider, model, generation_time_ms, input_tokens, output_tokens, total_tokens, cost_nanousd, "
          "input_price_per_mtok_microusd, output_price_per_mtok_microusd, request_id, transaction_guid, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {s.owner, s.primary_character, s.secondary_character, s.combined_characters, s.content, s.method,
           nullable(s.provider), nullable(s.model), s.generation_time_ms, s.input_tokens, s.output_tokens,
           s.input_tokens + s.output_tokens, s.cost_nanousd, s.input_price_per_mtok_microusd,
           s.output_price_per_mtok_microusd, nullable(s.request_id), nullable(s.transaction_guid),
           s.created_at.empty() ? utc_now() : s.created_at})[0]
      .integer(0);
}

std::optional<Story> StoryRepository::get(std::int64_t id, const std::string& owner) {
  auto rows = database_.query("SELECT " + columns(database_.dialect()) + " FROM stories WHERE id = ? AND owner = ?",
                              {id, owner});
  if (rows.empty()) return std::nullopt;
  return story_of(rows[0]);
}

std::vector<Story> StoryRepository::list(const StoryQuery& query) {
  std::vector<Value> params;
  const std::string sql = "SELECT " + columns(database_.dialect()) + " FROM stories" +
                          where(database_.dialect(), query, params) +
                          " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
  params.emplace_back(std::int64_t{query.limit});
  params.emplace_back(std::int64_t{query.offset});
  std::vector<Story> out;
  for (const auto& row : database_.query(sql, params)) out.push_back(story_of(row));
  return out;
}

std::int64_t StoryRepository::count(const StoryQuery& query) {
  std::vector<Value> params;
  if (query.search.empty() && query.character.empty()) {
    // All the owner's stories, or one framework's: the counts the triggers keep (migrations
    // 0008 and 0010).
    std::string sql = "SELECT CAST(COALESCE(SUM(stories), 0) AS BIGINT) FROM story_counts WHERE owner = ?";
    params.emplace_back(query.owner);
    if (!query.method.empty()) {
      sql += " AND method = ?";
      params.emplace_back(query.method);
    }
    return database_.query(sql, params)[0].integer(0);
  }
  StoryQuery filters = query;
  filters.before.reset();
  return database_.query("SELECT COUNT(*) FROM stories" + where(database_.dialect(), filters, params), params)[0]
      .integer(0);
}

std::int64_t StoryRepository::remove_all(const std::string& owner) {
  return static_cast<std::int64_t>(database_.query("DELETE FROM stories WHERE owner = ? RETURNING id", {owner}).size());
}

bool StoryRepository::remove(std::int64_t id, const std::string& owner) {
  return !database_.query("DELETE FROM stories WHERE id = ? AND owner = ? RETURNING id", {id, owner}).empty();
}

}  // namespace switchboard::storage
