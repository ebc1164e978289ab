#pragma once
// Small pieces of SQL and values the repositories share.

#include <string>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

// A stored time read back as ISO-8601 UTC text with microseconds, on either engine.
inline std::string select_time(Dialect dialect, const std::string& column) {
  return dialect == Dialect::sqlite ? column : "to_char(" + column + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
}

// A stored JSON document read back as text (JSONB on PostgreSQL, TEXT on SQLite).
inline std::string select_json(Dialect dialect, const std::string& column) {
  return dialect == Dialect::sqlite ? column : column + "::text";
}

// A stored boolean read back as 0 or 1.
inline std::string select_bool(Dialect dialect, const std::string& column) {
  return dialect == Dialect::sqlite ? column : "CASE WHEN " + column + " THEN 1 ELSE 0 END";
}

// Empty text stored as NULL.
inline Value nullable(const std::string& text) { return text.empty() ? Value{} : Value{text}; }

}  // namespace switchboard::storage
