
#include <switchboard/storage/database.hpp>

#include "postgres_database.hpp"
#include "sqlite_database.hpp"

namespace switchboard::storage {

std::unique_ptr<Database> open_database(const std::string& url, const std::filesystem::path& data_dir,
                                        std::size_t pool_size) {
  if (url.empty()) return open_sqlite((data_dir / "switchboard.db").string(), pool_size);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return open_postgres(url, pool_size);
  if (url.starts_with("sqlite://")) {
    std::filesystem::path path = url.substr(9);  // sqlite:///abs/path → /abs/path
    if (path.empty()) throw StorageError("sqlite:// needs a path");
    if (path.is_relative()) path = data_dir / path;
    return open_sqlite(path.string(), pool_size);
  }
  throw StorageError("storage.url: expected sqlite:///path or postgresql://…");
}

}  // namespace switchboard::storage
