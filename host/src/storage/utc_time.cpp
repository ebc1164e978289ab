// Times as the store keeps them (database.hpp): ISO-8601 UTC with microseconds. Apart from
// the drivers, so what parses client-given times needs no database library.
#include <cstdio>
#include <ctime>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

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
  // system_clock counts nanoseconds in 64 bits: years before 1970 are not store times, and
  // after 2261 the conversion below would overflow.
  if (utc.tm_year < 1970 || utc.tm_year > 2261) return std::nullopt;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&utc)) + std::chrono::microseconds(micros);
}

}  // namespace switchboard::storage
