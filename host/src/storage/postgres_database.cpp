// The PostgreSQL driver (libpqxx 6): a pool of connections, each with the session time zone
// set to UTC and its statements prepared on first use. Repositories' `?` placeholders become
// `$1…$n`.
#include "postgres_database.hpp"

#include <charconv>
#include <unordered_map>

#include <pqxx/pqxx>

#include "connection_pool.hpp"

namespace switchboard::storage {
namespace {

// `?` → `$n`, outside quoted text and identifiers.
std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string as_text(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) {
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *d);
    return error == std::errc() ? std::string(buffer, end) : std::to_string(*d);
  }
  return std::get<std::string>(value);
}

class PostgresConnection;

class PostgresSession final : public Session {
 public:
  PostgresSession(PostgresConnection& connection, pqxx::transaction_base& transaction)
      : connection_(connection), transaction_(transaction) {}
  Rows query(std::string_view sql, const std::vector<Value>& params) override;
  void script(std::string_view sql) override { transaction_.exec(std::string(sql)); }

 private:
  PostgresConnection& connection_;
  pqxx::transaction_base& transaction_;
};

class PostgresConnection {
 public:
  explicit PostgresConnection(const std::string& url) : connection_(url) {
    pqxx::nontransaction setup(connection_);
    setup.exec("SET TIME ZONE 'UTC'");
  }
  bool healthy() const { return !broken_ && connection_.is_open(); }
  void mark_broken() { broken_ = true; }
  pqxx::connection& raw() { return connection_; }

  // The name of `sql`'s prepared statement on this connection, preparing it on first use.
  const std::string& prepared(std::string_view sql) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return it->second;
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    connection_.prepare(name, numbered_placeholders(sql));
    return prepared_.emplace(std::string(sql), std::move(name)).first->second;
  }

 private:
  pqxx::connection connection_;
  std::unordered_map<std::string, std::string> prepared_;
  bool broken_ = false;
};

Rows PostgresSession::query(std::string_view sql, const std::vector<Value>& params) {
  std::vector<std::string> texts;
  texts.reserve(params.size());
  std::vector<const char*> pointers;
  pointers.reserve(params.size());
  for (const auto& value : params) {
    if (std::holds_alternative<std::monostate>(value)) {
      pointers.push_back(nullptr);
    } else {
      texts.push_back(as_text(value));
      pointers.push_back(nullptr);  // filled below, once `texts` stops moving
    }
  }
  for (std::size_t i = 0, t = 0; i < params.size(); ++i) {
    if (!std::holds_alternative<std::monostate>(params[i])) pointers[i] = texts[t++].c_str();
  }
  const pqxx::result result =
      transaction_.exec_prepared(connection_.prepared(sql), pqxx::prepare::make_dynamic_params(pointers));
  Rows rows;
  rows.reserve(result.size());
  for (const auto& record : result) {
    Row row;
    row.values.reserve(record.size());
    for (const auto& field : record) {
      if (field.is_null()) {
        row.values.emplace_back(std::monostate{});
      } else {
        row.values.emplace_back(std::string(field.c_str(), field.size()));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const std::string& url, std::size_t pool_size) : pool_(pool_size, [url] { return connect(url); }) {
    pool_.with([this](PostgresConnection& connection) {  // connect now: bad settings fail at start
      auto& raw = connection.raw();
      description_ = std::string("postgresql://") + (raw.hostname() ? raw.hostname() : "") + ":" +
                     (raw.port() ? raw.port() : "") + "/" + raw.dbname();
    });
  }

  Dialect dialect() const override { return Dialect::postgres; }
  std::string description() const override { return description_; }

  Rows query(std::string_view sql, const std::vector<Value>& params) override {
    Rows rows;
    transaction([&](Session& session) { rows = session.query(sql, params); });
    return rows;
  }

  void transaction(const std::function<void(Session&)>& work) override {
    pool_.with([&](PostgresConnection& connection) {
      try {
        pqxx::work transaction(connection.raw());
        PostgresSession session(connection, transaction);
        work(session);
        transaction.commit();
      } catch (const pqxx::broken_connection& e) {
        connection.mark_broken();
        throw StorageError(std::string("PostgreSQL connection lost: ") + e.what());
      } catch (const pqxx::in_doubt_error& e) {
        connection.mark_broken();
        throw StorageError(std::string("PostgreSQL commit in doubt: ") + e.what());
      } catch (const pqxx::sql_error& e) {
        throw StorageError(std::string("PostgreSQL: ") + e.what());
      }
    });
  }

 private:
  static std::unique_ptr<PostgresConnection> connect(const std::string& url) {
    try {
      return std::make_unique<PostgresConnection>(url);
    } catch (const std::exception& e) {
      // libpq's message names host and port, never the password.
      throw StorageError(std::string("cannot connect to PostgreSQL: ") + e.what());
    }
  }

  ConnectionPool<PostgresConnection> pool_;
  std::string description_;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, std::size_t pool_size) {
  return std::make_unique<PostgresDatabase>(url, pool_size);
}

}  // namespace switchboard::storage
