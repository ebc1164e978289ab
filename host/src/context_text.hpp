#pragma once
// The text of an uploaded context file (seed 000's context API): which types are accepted,
// judged by the file name's extension, and how each becomes plain UTF-8 text — txt, md and
// csv as they are, json checked and kept as written, html as its visible text (libxml2's
// HTML parser), pdf as the text of its pages (poppler).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace switchboard::context_text {

// "txt, md, csv, json, html, pdf": for messages.
inline constexpr std::string_view kSupportedTypes = "txt, md, csv, json, html, pdf";

// The type of a file by its name's extension (case-insensitive; .htm is html), or nothing
// when it is not one of the supported types.
std::optional<std::string> file_type_of(std::string_view filename);

// The text of a file of `file_type`, or why its content is not what the type promises
// (invalid UTF-8, malformed JSON, a PDF poppler cannot read, no text at all).
tl::expected<std::string, std::string> extract(std::string_view file_type, std::string_view data);

// Whether `text` is strict UTF-8 (RFC 3629: no overlong forms, surrogates or values above
// U+10FFFF).
bool valid_utf8(std::string_view text);

// How many characters (code points) valid UTF-8 text holds.
std::size_t character_count(std::string_view utf8);

}  // namespace switchboard::context_text
