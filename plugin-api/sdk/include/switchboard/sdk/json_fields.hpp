#pragma once
/// @file
/// Typed reads of JSON an upstream sent, which may hold anything. Each returns the fallback
/// when `object` is not an object, the key is missing, or the value has another type — where
/// nlohmann's `value()` would throw. Part of the plugin SDK: decoders should read with these.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace switchboard::sdk {

/// The string at `key`, or `fallback`.
std::string text_field(const nlohmann::json& object, std::string_view key, std::string fallback = {});

/// The integer at `key` (a whole-number JSON value within int64), or `fallback`.
std::int64_t integer_field(const nlohmann::json& object, std::string_view key, std::int64_t fallback = 0);

/// The object at `key`, or an empty object.
const nlohmann::json& object_field(const nlohmann::json& object, std::string_view key);

}  // namespace switchboard::sdk
