#include <charconv>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

bool Row::is_null(std::size_t column) const {
  return column >= values.size() || std::holds_alternative<std::monostate>(values[column]);
}

std::int64_t Row::integer(std::size_t column, std::int64_t if_null) const {
  if (is_null(column)) return if_null;
  const auto& value = values[column];
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return static_cast<std::int64_t>(*d);
  const auto& s = std::get<std::string>(value);
  std::int64_t out = if_null;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return out;
}

double Row::real(std::size_t column, double if_null) const {
  if (is_null(column)) return if_null;
  const auto& value = values[column];
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  try {
    return std::stod(std::get<std::string>(value));
  } catch (const std::exception&) {
    return if_null;
  }
}

std::string Row::text(std::size_t column) const {
  if (is_null(column)) return {};
  const auto& value = values[column];
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  return std::to_string(std::get<double>(value));
}

}  // namespace switchboard::storage
