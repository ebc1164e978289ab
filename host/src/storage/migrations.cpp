#include <switchboard/storage/migrations.hpp>

#include <algorithm>
#include <map>

#include "storage/embedded_migrations.hpp"
#include "storage/sql_helpers.hpp"

namespace switchboard::storage {
namespace {

const char* dialect_folder(Dialect dialect) { return dialect == Dialect::sqlite ? "sqlite" : "postgres"; }

// Any constant: the key of the advisory lock that serializes migrations across instances.
constexpr std::int64_t kMigrationLock = 0x5b0a4d0001;

}  // namespace

Migrator::Migrator(Database& database) : database_(database) {
  std::map<int, Migration> by_version;
  const std::string folder = dialect_folder(database.dialect());
  for (const auto& file : embedded_migration_files()) {
    if (folder != file.dialect) continue;
    auto& migration = by_version[file.version];
    migration.version = file.version;
    migration.name = file.name;
    (std::string(file.direction) == "up" ? migration.up : migration.down) = file.sql;
  }
  for (auto& [version, migration] : by_version) {
    if (migration.up.empty() || migration.down.empty()) {
      throw StorageError("migration " + std::to_string(version) + " of " + folder + " lacks its " +
                         (migration.up.empty() ? "up" : "down") + " file");
    }
    migrations_.push_back(std::move(migration));
  }
}

void Migrator::ensure_table() {
  database_.query(
      database_.dialect() == Dialect::sqlite
          ? "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL)"
          : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL)");
}

void Migrator::lock(Session& session) {
  if (database_.dialect() == Dialect::postgres) session.query("SELECT pg_advisory_xact_lock(?)", {kMigrationLock});
}

std::vector<int> Migrator::applied_versions(Session& session) {
  std::vector<int> versions;
  for (const auto& row : session.query("SELECT version FROM schema_migrations ORDER BY version")) {
    versions.push_back(static_cast<int>(row.integer(0)));
  }
  return versions;
}

int Migrator::current_version() {
  ensure_table();
  const auto rows = database_.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return rows.empty() ? 0 : static_cast<int>(rows[0].integer(0));
}

std::vector<MigrationState> Migrator::status() {
  ensure_table();
  std::map<int, std::string> applied;
  for (const auto& row : database_.query("SELECT version, " + select_time(database_.dialect(), "applied_at") +
                                         " FROM schema_migrations")) {
    applied[static_cast<int>(row.integer(0))] = row.text(1);
  }
  std::vector<MigrationState> out;
  for (const auto& migration : migrations_) {
    auto it = applied.find(migration.version);
    out.push_back({migration, it != applied.end(), it != applied.end() ? it->second : ""});
  }
  return out;
}

int Migrator::up(std::optional<int> steps) {
  ensure_table();
  int done = 0;
  for (const auto& migration : migrations_) {
    if (steps && done >= *steps) break;
    bool applied_now = false;
    database_.transaction([&](Session& session) {
      lock(session);
      const auto applied = applied_versions(session);
      if (!applied.empty() && applied.back() > latest_version()) {
        throw StorageError("the database schema is at version " + std::to_string(applied.back()) +
                           ", newer than this switchboard knows (" + std::to_string(latest_version()) +
                           "): upgrade switchboard, or migrate down with the newer one");
      }
      if (std::find(applied.begin(), applied.end(), migration.version) != applied.end()) return;
      session.script(migration.up);
      session.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    {std::int64_t{migration.version}, migration.name, utc_now()});
      applied_now = true;
    });
    if (applied_now) ++done;
  }
  // An up-to-date database newer than us is refused too (no step ran the check above).
  if (migrations_.empty() || done == 0) {
    const int current = current_version();
    if (current > latest_version()) {
      throw StorageError("the database schema is at version " + std::to_string(current) +
                         ", newer than this switchboard knows (" + std::to_string(latest_version()) +
                         "): upgrade switchboard, or migrate down with the newer one");
    }
  }
  return done;
}

int Migrator::down(int steps) {
  ensure_table();
  int done = 0;
  for (; done < steps; ++done) {
    bool reverted = false;
    database_.transaction([&](Session& session) {
      lock(session);
      const auto applied = applied_versions(session);
      if (applied.empty()) return;
      const int version = applied.back();
      auto it = std::find_if(migrations_.begin(), migrations_.end(),
                             [&](const Migration& m) { return m.version == version; });
      if (it == migrations_.end()) {
        throw StorageError("cannot migrate down from version " + std::to_string(version) +
                           ": this switchboard does not know it");
      }
      session.script(it->down);
      session.query("DELETE FROM schema_migrations WHERE version = ?", {std::int64_t{version}});
      reverted = true;
    });
    if (!reverted) break;
  }
  return done;
}

}  // namespace switchboard::storage
