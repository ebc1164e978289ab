#pragma once
// Regular expressions of a caller's schema run on RE2, never on std::regex.
//
// valijson (Debian's 1.0) checks `pattern`, `patternProperties` and the date/time formats with
// std::regex, a backtracking engine that recurses once per character: `^(a+)+$` against 28
// characters took seconds (and four times as long per two more), and a pattern meeting a
// 45 000-character string overflowed the stack and killed the server. RE2 runs in time linear
// in the text and never recurses on it. valijson has no way to swap its engine, but it
// takes constraints for keywords of our own: a schema's `pattern` and `format` keywords are
// renamed to those before valijson reads the schema, and their constraints match with RE2.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace valijson {
class SchemaParser;
}

namespace switchboard::analysis {

// A pattern longer than this is refused: no schema needs one, and RE2's memory per pattern
// grows with it.
inline constexpr std::size_t kMaxPatternBytes = 1000;

// Renames `pattern` and `format` in every subschema of `schema` (whatever `$ref` or an
// applicator reaches; never inside `const`, `enum` or `default` values) to the keywords the
// RE2 constraints answer to. Why the schema is refused, or nothing: a pattern RE2 cannot
// compile (look-arounds, back references) or longer than kMaxPatternBytes, or
// `patternProperties`, whose names valijson would match with std::regex.
std::optional<std::string> route_patterns_through_re2(nlohmann::json& schema);

// Lets `parser` build the RE2 constraints for the renamed keywords.
void add_re2_constraints(valijson::SchemaParser& parser);

}  // namespace switchboard::analysis
