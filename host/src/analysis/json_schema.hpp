#pragma once
// A caller's JSON Schema (Draft 7) for structured extraction: checked against seed 001's
// limits — nested objects at most 10 deep, at most 50 000 bytes as JSON — then compiled with
// valijson, so a schema that is not one is refused up front with the parser's reason, and a
// model's answer is validated against it with a message per problem ("/items/0/age: …").

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace switchboard::analysis {

inline constexpr int kMaxSchemaDepth = 10;
inline constexpr std::size_t kMaxSchemaBytes = 50'000;

class JsonSchema {
 public:
  // The compiled schema, or why it is refused.
  static tl::expected<JsonSchema, std::string> compile(const nlohmann::json& schema);

  // Every problem of `document` against the schema (empty: valid), each "<JSON pointer>: <why>".
  std::vector<std::string> problems(const nlohmann::json& document) const;

 private:
  struct Compiled;
  explicit JsonSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace switchboard::analysis
