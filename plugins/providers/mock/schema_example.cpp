#include "schema_example.hpp"

#include <algorithm>

namespace switchboard::mock {
namespace {

using nlohmann::json;

constexpr const char* kWords[] = {"lantern", "river",  "morning", "garden",  "window",  "silver",
                                  "village", "bright", "journey", "promise", "evening", "mountain"};

class Words {
 public:
  explicit Words(std::uint64_t seed) : state_(seed | 1) {}
  std::string next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return kWords[state_ % (sizeof kWords / sizeof *kWords)];
  }

 private:
  std::uint64_t state_;
};

std::string type_of(const json& schema) {
  const auto type = schema.find("type");
  if (type == schema.end()) {
    if (schema.contains("properties")) return "object";
    if (schema.contains("items")) return "array";
    return "string";
  }
  if (type->is_string()) return type->get<std::string>();
  if (type->is_array()) {
    for (const auto& each : *type) {
      if (each.is_string() && each != "null") return each.get<std::string>();
    }
    return "null";
  }
  return "string";
}

double number_in(const json& schema) {
  const double low = schema.value("minimum", schema.value("exclusiveMinimum", 0.0));
  const double high = schema.value("maximum", schema.value("exclusiveMaximum", low + 1.0));
  return low + (high - low) / 2;
}

json example(const json& schema, Words& words, int depth) {
  if (!schema.is_object() || depth > 16 || schema.contains("$ref")) return nullptr;
  if (schema.contains("const")) return schema["const"];
  if (const auto found = schema.find("enum"); found != schema.end() && found->is_array() && !found->empty()) {
    return found->front();
  }
  for (const char* branch : {"anyOf", "oneOf", "allOf"}) {
    if (const auto found = schema.find(branch); found != schema.end() && found->is_array() && !found->empty()) {
      return example(found->front(), words, depth + 1);
    }
  }
  const std::string type = type_of(schema);
  if (type == "object") {
    json out = json::object();
    if (const auto properties = schema.find("properties"); properties != schema.end() && properties->is_object()) {
      for (const auto& [name, property] : properties->items()) out[name] = example(property, words, depth + 1);
    }
    return out;
  }
  if (type == "array") {
    json out = json::array();
    const auto count = std::clamp<std::int64_t>(schema.value("minItems", std::int64_t{1}), 1, 8);
    const json items = schema.value("items", json::object());
    for (std::int64_t i = 0; i < count; ++i) out.push_back(example(items, words, depth + 1));
    return out;
  }
  if (type == "number") return number_in(schema);
  if (type == "integer") return static_cast<std::int64_t>(number_in(schema));
  if (type == "boolean") return true;
  if (type == "null") return nullptr;
  std::string text = words.next();
  const auto min_length = std::clamp<std::int64_t>(schema.value("minLength", std::int64_t{0}), 0, 1000);
  while (static_cast<std::int64_t>(text.size()) < min_length) text += " " + words.next();
  if (const auto max_length = schema.find("maxLength"); max_length != schema.end() && max_length->is_number_integer()) {
    text.resize(std::min<std::size_t>(text.size(), std::max<std::int64_t>(0, max_length->get<std::int64_t>())));
  }
  return text;
}

}  // namespace

json example_for(const json& schema, std::uint64_t seed) {
  Words words(seed);
  return example(schema, words, 0);
}

std::string example_xml(std::uint64_t seed) {
  Words words(seed);
  std::string answer = words.next();
  for (int i = 0; i < 5; ++i) answer += " " + words.next();
  return "<response><answer>" + answer + "</answer></response>";
}

}  // namespace switchboard::mock
