#pragma once
// The mock provider's structured answers: a value that validates against a JSON Schema (the
// `response_format` of OpenAI's structured outputs), and an XML document, both made of
// words chosen by a seed so that the same request always gets the same answer.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace switchboard::mock {

// A value for `schema`: objects get every property, arrays their minimum length (at least
// one item), numbers the middle of their range, enums and consts their first value; anyOf and
// oneOf take their first branch. Deeper than 16 levels, or with `$ref`, the value is null.
nlohmann::json example_for(const nlohmann::json& schema, std::uint64_t seed);

// `<response><answer>…</answer></response>`: the request is not echoed, so no byte of it can
// make the document ill-formed.
std::string example_xml(std::uint64_t seed);

}  // namespace switchboard::mock
