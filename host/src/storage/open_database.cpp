
#include <cstdio>
#include <ctime>

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

std::string utc_text(std::chrono::system_clock::time_point when) {
  const auto seconds = std::chrono::system_clock::to_time_t(when);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count() % 1'000'000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(micros < 0 ? 0 : micros));
  return buffer;
}

std::string utc_now() { return utc_text(std::chrono::system_clock::now()); }

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text) {
  std::tm utc{};
  int micros = 0;
  int read = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6dZ%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour,
                  &utc.tm_min, &utc.tm_sec, &micros, &read) != 7 ||
      static_cast<std::size_t>(read) != text.size()) {
    return std::nullopt;
  }
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&utc)) + std::chrono::microseconds(micros);
}

}  // namespace switchboard::storage
