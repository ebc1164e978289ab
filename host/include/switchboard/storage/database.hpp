#pragma once
// The one seam between Switchboard's repositories and a SQL engine. Repositories write their
// SQL once, with `?` placeholders, and run it on either driver: SQLite (the embedded default:
// WAL, prepared statements cached per connection, a busy timeout, a pool of connections) or
// PostgreSQL (libpqxx, a pool of connections, prepared statements). Where the dialects differ
// (time functions, upserts), a repository asks `dialect()`.
//
// Times are stored in UTC: ISO-8601 text with microseconds and `Z` on SQLite (so text order
// is time order), TIMESTAMPTZ on PostgreSQL. Money is integer nano-dollars.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace switchboard::storage {

enum class Dialect { sqlite, postgres };

// A SQL value: NULL, integer, real or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

// One result row. Accessors convert (PostgreSQL hands every value over as text).
struct Row {
  std::vector<Value> values;

  bool is_null(std::size_t column) const;
  std::int64_t integer(std::size_t column, std::int64_t if_null = 0) const;
  double real(std::size_t column, double if_null = 0.0) const;
  std::string text(std::size_t column) const;  // empty when NULL
};
using Rows = std::vector<Row>;

// A failure of the store: connection lost, constraint violated, bad SQL. The message names
// the engine's reason, never a password.
struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Statements on one connection, inside one transaction.
class Session {
 public:
  virtual ~Session() = default;
  // One statement with `?` placeholders; its rows (none for statements that return none).
  virtual Rows query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Several statements without parameters (migrations).
  virtual void script(std::string_view sql) = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // Where it is, for logs: the path, or host/port/database without credentials.
  virtual std::string description() const = 0;

  // One statement in its own transaction.
  virtual Rows query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // `work` inside one transaction, committed when it returns and rolled back when it throws.
  // On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE), so two writers
  // wait for each other instead of failing half-way.
  virtual void transaction(const std::function<void(Session&)>& work) = 0;
};

// Opens the store named by `url`: `sqlite:///absolute/path.db`, `sqlite://relative.db`
// (relative to `data_dir`), `postgresql://…` or `postgres://…`; empty means
// `<data_dir>/switchboard.db`. Throws StorageError when it cannot connect.
std::unique_ptr<Database> open_database(const std::string& url, const std::filesystem::path& data_dir,
                                        std::size_t pool_size = 4);

// A time as the store keeps it: ISO-8601 UTC with microseconds, e.g.
// 2026-11-22T17:10:00.123456Z (both drivers accept it as a parameter).
std::string utc_text(std::chrono::system_clock::time_point when);
std::string utc_now();
// The time utc_text wrote; nothing for any other text, or a year outside 1970–2261.
std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text);

}  // namespace switchboard::storage
