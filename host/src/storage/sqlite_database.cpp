// The SQLite driver: WAL (readers never wait for the writer), synchronous=NORMAL (a commit
// survives the process being killed; only a power cut can lose the last ones), a 10 s busy
// timeout, foreign keys on, and each connection's prepared statements cached by SQL text.
#include "sqlite_database.hpp"

#include <sqlite3.h>

#include <unordered_map>

#include "connection_pool.hpp"

namespace switchboard::storage {
namespace {

class SqliteConnection final : public Session {
 public:
  explicit SqliteConnection(const std::string& path) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw StorageError("cannot open SQLite database " + path + ": " + why);
    }
    sqlite3_busy_timeout(db_, 10'000);
    script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  }
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  bool healthy() const { return db_ != nullptr; }

  Rows query(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* statement = prepare(sql);
    struct Reset {
      sqlite3_stmt* statement;
      ~Reset() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      }
    } reset{statement};
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(statement)) {
      throw StorageError("statement expects " + std::to_string(sqlite3_bind_parameter_count(statement)) +
                         " parameters, got " + std::to_string(params.size()));
    }
    for (std::size_t i = 0; i < params.size(); ++i) bind(statement, static_cast<int>(i + 1), params[i]);
    Rows rows;
    for (;;) {
      const int step = sqlite3_step(statement);
      if (step == SQLITE_DONE) break;
      if (step != SQLITE_ROW) throw StorageError(std::string("SQLite: ") + sqlite3_errmsg(db_));
      Row row;
      const int columns = sqlite3_column_count(statement);
      row.values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) row.values.push_back(column(statement, c));
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void script(std::string_view sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string why = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw StorageError("SQLite: " + why);
    }
  }

 private:
  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK) {
      throw StorageError(std::string("SQLite: ") + sqlite3_errmsg(db_));
    }
    statements_.emplace(std::string(sql), statement);
    return statement;
  }

  static void bind(sqlite3_stmt* statement, int index, const Value& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
      sqlite3_bind_int64(statement, index, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
      sqlite3_bind_double(statement, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      sqlite3_bind_text64(statement, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      sqlite3_bind_null(statement, index);
    }
  }

  static Value column(sqlite3_stmt* statement, int c) {
    switch (sqlite3_column_type(statement, c)) {
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(statement, c));
      case SQLITE_FLOAT:
        return sqlite3_column_double(statement, c);
      case SQLITE_NULL:
        return std::monostate{};
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
        return std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(statement, c)));
      }
    }
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, std::size_t pool_size)
      : path_(std::move(path)), pool_(pool_size, [path = path_] { return std::make_unique<SqliteConnection>(path); }) {
    pool_.with([](SqliteConnection&) {});  // open now: a bad path fails at start, not at first use
  }

  Dialect dialect() const override { return Dialect::sqlite; }
  std::string description() const override { return "sqlite:" + path_; }

  Rows query(std::string_view sql, const std::vector<Value>& params) override {
    return pool_.with([&](SqliteConnection& connection) { return connection.query(sql, params); });
  }

  void transaction(const std::function<void(Session&)>& work) override {
    pool_.with([&](SqliteConnection& connection) {
      connection.script("BEGIN IMMEDIATE");
      try {
        work(connection);
        connection.script("COMMIT");
      } catch (...) {
        try {
          connection.script("ROLLBACK");
        } catch (const StorageError&) {  // already rolled back by SQLite
        }
        throw;
      }
    });
  }

 private:
  std::string path_;
  ConnectionPool<SqliteConnection> pool_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, std::size_t pool_size) {
  return std::make_unique<SqliteDatabase>(path, pool_size);
}

}  // namespace switchboard::storage
