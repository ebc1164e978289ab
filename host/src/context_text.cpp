#include "context_text.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include <nlohmann/json.hpp>

#include "html_text.hpp"
#include "pdf_text.hpp"

namespace switchboard::context_text {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
}

// Text files are taken as they are, once they prove to be text.
tl::expected<std::string, std::string> plain_text(std::string_view data) {
  if (data.substr(0, kUtf8Bom.size()) == kUtf8Bom) data.remove_prefix(kUtf8Bom.size());
  if (data.find('\0') != std::string_view::npos) return tl::unexpected(std::string("the file holds binary data"));
  if (!valid_utf8(data)) return tl::unexpected(std::string("the file is not valid UTF-8 text"));
  return std::string(data);
}

// JSON is checked without building it (the check is iterative, so deep nesting cannot
// exhaust the stack) and kept as its author wrote it.
tl::expected<std::string, std::string> json_text(std::string_view data) {
  auto text = plain_text(data);
  if (!text) return text;
  if (!nlohmann::json::accept(*text)) return tl::unexpected(std::string("the file is not valid JSON"));
  return text;
}

}  // namespace

bool valid_utf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto c = static_cast<unsigned char>(text[at]);
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) {
      ++at;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (at + length > text.size()) return false;
    const auto second = static_cast<unsigned char>(text[at + 1]);
    if (second < low || second > high) return false;
    for (std::size_t i = 2; i < length; ++i) {
      if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return false;
    }
    at += length;
  }
  return true;
}

std::optional<std::string> file_type_of(std::string_view filename) {
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string extension(filename.substr(dot + 1));
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (extension == "htm") return "html";
  for (const char* type : {"txt", "md", "csv", "json", "html", "pdf"}) {
    if (extension == type) return extension;
  }
  return std::nullopt;
}

tl::expected<std::string, std::string> extract(std::string_view file_type, std::string_view data) {
  tl::expected<std::string, std::string> text = tl::unexpected("unsupported file type " + std::string(file_type));
  if (file_type == "txt" || file_type == "md" || file_type == "csv") {
    text = plain_text(data);
  } else if (file_type == "json") {
    text = json_text(data);
  } else if (file_type == "html") {
    text = html_visible_text(data);
  } else if (file_type == "pdf") {
    text = pdf_text(data);
  }
  if (!text) return text;
  // What the parsers made is stored as TEXT: PostgreSQL takes neither NUL nor broken UTF-8.
  std::erase(*text, '\0');
  if (!valid_utf8(*text)) return tl::unexpected(std::string("the file's text is not valid UTF-8"));
  if (blank(*text)) return tl::unexpected(std::string("the file has no text"));
  return text;
}

std::size_t character_count(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace switchboard::context_text
