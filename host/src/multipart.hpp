#pragma once
// multipart/form-data bodies (RFC 7578 over RFC 2046): the boundary from the Content-Type,
// then each part's Content-Disposition name and filename, its Content-Type and its bytes.
// Strict where being lenient would guess: lines end in CRLF, a part must say it is
// form-data and name itself, and a body without its closing delimiter is refused (it was cut
// short). Any input ends in a result or an error, in time linear in its size.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace switchboard::multipart {

struct Part {
  std::string name;                     // the form field
  std::optional<std::string> filename;  // present for files (may be empty: no file chosen)
  std::string content_type;             // "text/plain" when the part names none (RFC 7578 4.4)
  std::string data;
};

// Why a Content-Type cannot carry form data: not multipart/form-data at all (415), or
// multipart/form-data without a usable boundary (400).
struct ContentTypeError {
  bool not_form_data;
  std::string message;
};

// The boundary of a `multipart/form-data; boundary=…` Content-Type (quoted or not).
tl::expected<std::string, ContentTypeError> form_data_boundary(std::string_view content_type);

// The parts of `body`, in order; an error message when the body is not well-formed.
tl::expected<std::vector<Part>, std::string> parse_form_data(std::string_view body, std::string_view boundary);

}  // namespace switchboard::multipart
