#pragma once
// The migration files, compiled in (see cmake/EmbedMigrations.cmake).
#include <vector>

namespace switchboard::storage {

struct EmbeddedMigrationFile {
  const char* dialect;    // "sqlite" or "postgres"
  int version;            // NNNN
  const char* name;       // the part after NNNN_
  const char* direction;  // "up" or "down"
  const char* sql;
};

const std::vector<EmbeddedMigrationFile>& embedded_migration_files();

}  // namespace switchboard::storage
