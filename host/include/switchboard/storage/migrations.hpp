#pragma once
// Schema migrations: the numbered up/down SQL files of migrations/<dialect>/, compiled into the
// binary, applied in order and recorded in `schema_migrations`. Each step runs in its own
// transaction (DDL is transactional on both engines); on PostgreSQL an advisory lock keeps two
// instances starting at once from applying the same step twice.

#include <optional>
#include <string>
#include <vector>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct Migration {
  int version = 0;
  std::string name;
  std::string up;
  std::string down;
};

struct MigrationState {
  Migration migration;
  bool applied = false;
  std::string applied_at;  // empty when not applied
};

class Migrator {
 public:
  // Throws StorageError when the compiled-in files are inconsistent (a step without its down).
  explicit Migrator(Database& database);

  // Every known step and whether it is applied.
  std::vector<MigrationState> status();
  // The highest applied version (0 for an empty database).
  int current_version();
  int latest_version() const { return migrations_.empty() ? 0 : migrations_.back().version; }

  // Applies pending steps, all of them or the first `steps`; returns how many it applied.
  // Throws StorageError when the database is newer than this binary knows.
  int up(std::optional<int> steps = std::nullopt);
  // Reverts the last `steps` applied steps; returns how many it reverted.
  int down(int steps = 1);

 private:
  void ensure_table();
  std::vector<int> applied_versions(Session& session);
  void lock(Session& session);

  Database& database_;
  std::vector<Migration> migrations_;  // by version
};

}  // namespace switchboard::storage
