#include <switchboard/sdk/json_fields.hpp>

#include <limits>

namespace switchboard::sdk {
namespace {

const nlohmann::json* find(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::string text_field(const nlohmann::json& object, std::string_view key, std::string fallback) {
  const auto* value = find(object, key);
  return value && value->is_string() ? value->get<std::string>() : fallback;
}

std::int64_t integer_field(const nlohmann::json& object, std::string_view key, std::int64_t fallback) {
  const auto* value = find(object, key);
  if (!value) return fallback;
  if (value->is_number_integer() && value->is_number_unsigned()) {
    const auto n = value->get<std::uint64_t>();
    return n <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ? static_cast<std::int64_t>(n)
                                                                                     : fallback;
  }
  return value->is_number_integer() ? value->get<std::int64_t>() : fallback;
}

const nlohmann::json& object_field(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const auto* value = find(object, key);
  return value && value->is_object() ? *value : empty;
}

}  // namespace switchboard::sdk
