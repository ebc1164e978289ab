#include "multipart.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace switchboard::multipart {
namespace {

// Bounds that keep a hostile body from costing more than its size: headers of one part, and
// how many parts (a form of many tiny parts would otherwise be many allocations).
constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
constexpr std::size_t kMaxParts = 256;

constexpr std::string_view kCrlf = "\r\n";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A header value of the form `type; name=value; name="quoted \"value\""`.
struct HeaderValue {
  std::string type;                                         // lower case
  std::vector<std::pair<std::string, std::string>> params;  // names lower case

  const std::string* param(std::string_view name) const {
    for (const auto& [key, value] : params)
      if (key == name) return &value;
    return nullptr;
  }
};

// Nothing when a quote is unterminated, a parameter has no `=` or is given twice (two
// `name`s would let two readers of the same body see different fields).
std::optional<HeaderValue> parse_header_value(std::string_view text) {
  HeaderValue out;
  const auto first = text.find(';');
  out.type = lower(trim(text.substr(0, first)));
  std::size_t at = first == std::string_view::npos ? text.size() : first + 1;
  while (at < text.size()) {
    const auto equals = text.find('=', at);
    const auto semicolon = text.find(';', at);
    if (equals == std::string_view::npos || (semicolon != std::string_view::npos && semicolon < equals)) {
      if (trim(text.substr(at, semicolon - at)).empty() && semicolon != std::string_view::npos) {
        at = semicolon + 1;  // an empty parameter (`;;`) says nothing
        continue;
      }
      if (trim(text.substr(at)).empty()) break;  // a trailing `;`
      return std::nullopt;
    }
    std::string name = lower(trim(text.substr(at, equals - at)));
    if (name.empty() || out.param(name)) return std::nullopt;
    at = equals + 1;
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    std::string value;
    if (at < text.size() && text[at] == '"') {
      bool closed = false;
      for (++at; at < text.size(); ++at) {
        if (text[at] == '\\' && at + 1 < text.size()) {
          value.push_back(text[++at]);
        } else if (text[at] == '"') {
          closed = true;
          ++at;
          break;
        } else {
          value.push_back(text[at]);
        }
      }
      if (!closed) return std::nullopt;
      while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
      if (at < text.size() && text[at] != ';') return std::nullopt;
    } else {
      const auto end = text.find(';', at);
      value = std::string(trim(text.substr(at, end - at)));
      at = end == std::string_view::npos ? text.size() : end;
    }
    out.params.emplace_back(std::move(name), std::move(value));
    if (at < text.size()) ++at;  // past the `;`
  }
  return out;
}

// RFC 2046's bchars: 1 to 70 of them, not ending in a space.
bool valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  return std::all_of(boundary.begin(), boundary.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("'()+_,-./:=? ").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

// Reads the header lines of one part into `part`; an error message when they are not
// well-formed or do not make it a named form-data field.
std::optional<std::string> read_part_headers(std::string_view headers, Part& part) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!headers.empty()) {
    const auto end = headers.find(kCrlf);
    const std::string_view line = headers.substr(0, end);
    headers.remove_prefix(end == std::string_view::npos ? headers.size() : end + kCrlf.size());
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {  // obsolete folding
      if (fields.empty()) return "a part's headers begin with a continuation line";
      fields.back().second += " " + std::string(trim(line));
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || trim(line.substr(0, colon)).size() != colon) {
      return "a part has a header line that is not `Name: value`";
    }
    fields.emplace_back(lower(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
  }
  bool disposition_seen = false, type_seen = false;
  for (const auto& [name, value] : fields) {
    if (name == "content-disposition") {
      if (std::exchange(disposition_seen, true)) return "a part has two Content-Disposition headers";
      const auto disposition = parse_header_value(value);
      if (!disposition) return "a part's Content-Disposition is malformed";
      if (disposition->type != "form-data") return "a part's Content-Disposition is not form-data";
      const auto* field = disposition->param("name");
      if (!field) return "a part's Content-Disposition has no name";
      part.name = *field;
      if (const auto* filename = disposition->param("filename")) part.filename = *filename;
    } else if (name == "content-type") {
      if (std::exchange(type_seen, true)) return "a part has two Content-Type headers";
      const auto type = parse_header_value(value);
      if (!type || type->type.empty()) return "a part's Content-Type is malformed";
      part.content_type = type->type;
    }
  }
  if (!disposition_seen) return "a part has no Content-Disposition";
  return std::nullopt;
}

}  // namespace

tl::expected<std::string, ContentTypeError> form_data_boundary(std::string_view content_type) {
  if (lower(trim(content_type.substr(0, content_type.find(';')))) != "multipart/form-data") {
    return tl::unexpected(ContentTypeError{true, "the body must be multipart/form-data"});
  }
  const auto parsed = parse_header_value(content_type);
  if (!parsed) return tl::unexpected(ContentTypeError{false, "the Content-Type header is malformed"});
  const auto* boundary = parsed->param("boundary");
  if (!boundary) return tl::unexpected(ContentTypeError{false, "the multipart/form-data Content-Type has no boundary"});
  if (!valid_boundary(*boundary)) {
    return tl::unexpected(
        ContentTypeError{false, "the multipart boundary must be 1 to 70 letters, digits or '()+_,-./:=? "});
  }
  return *boundary;
}

tl::expected<std::vector<Part>, std::string> parse_form_data(std::string_view body, std::string_view boundary) {
  if (!valid_boundary(boundary)) return tl::unexpected(std::string("invalid multipart boundary"));
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = std::string(kCrlf) + delimiter;  // a delimiter ends the part before it

  // The first delimiter opens the body or follows a preamble line.
  std::size_t at;
  if (body.substr(0, delimiter.size()) == delimiter) {
    at = delimiter.size();
  } else {
    const auto found = body.find(next_delimiter);
    if (found == std::string_view::npos) return tl::unexpected(std::string("the body has no multipart boundary"));
    at = found + next_delimiter.size();
  }

  std::vector<Part> parts;
  for (;;) {
    // `at` is just past a delimiter: `--` closes the body (an epilogue may follow), else
    // optional padding and CRLF open a part.
    if (body.substr(at, 2) == "--") return parts;
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (body.substr(at, kCrlf.size()) != kCrlf) {
      return tl::unexpected(at >= body.size() ? std::string("the body ends without its closing boundary")
                                              : std::string("a boundary line has text after the boundary"));
    }
    at += kCrlf.size();
    if (parts.size() == kMaxParts) {
      return tl::unexpected("the body has more than " + std::to_string(kMaxParts) + " parts");
    }

    std::size_t headers_end = at, data_start = at + kCrlf.size();  // a part without headers
    if (body.substr(at, kCrlf.size()) != kCrlf) {
      const auto found = body.substr(at, kMaxHeaderBytes + 4).find("\r\n\r\n");
      if (found == std::string_view::npos) {
        return tl::unexpected(body.size() - at > kMaxHeaderBytes
                                  ? "a part's headers exceed " + std::to_string(kMaxHeaderBytes) + " bytes"
                                  : std::string("a part's headers do not end"));
      }
      headers_end = at + found;
      data_start = headers_end + 4;
    }
    Part part;
    part.content_type = "text/plain";
    if (auto error = read_part_headers(body.substr(at, headers_end - at), part)) return tl::unexpected(*error);

    const auto data_end = body.find(next_delimiter, data_start);
    if (data_end == std::string_view::npos) {
      return tl::unexpected(std::string("the body ends without its closing boundary"));
    }
    part.data = std::string(body.substr(data_start, data_end - data_start));
    parts.push_back(std::move(part));
    at = data_end + next_delimiter.size();
  }
}

}  // namespace switchboard::multipart
