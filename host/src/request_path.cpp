#include <switchboard/request_path.hpp>

#include <algorithm>
#include <vector>

namespace switchboard {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The byte a "%XY" at `i` stands for, or -1 when there is no valid escape there.
int escaped_byte(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size() || text[i] != '%') return -1;
  const int high = hex_value(text[i + 1]);
  const int low = hex_value(text[i + 2]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

// "." or ".." once percent-decoded (browsers and proxies decode "%2e" to a dot).
bool is_dot_segment(std::string_view segment) {
  std::size_t dots = 0;
  for (std::size_t i = 0; i < segment.size();) {
    if (segment[i] == '.') {
      ++dots;
      ++i;
    } else if (escaped_byte(segment, i) == '.') {
      ++dots;
      i += 3;
    } else {
      return false;
    }
  }
  return dots == 1 || dots == 2;
}

}  // namespace

std::optional<std::string> canonical_request_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c == 0x7f || c == '\\') return std::nullopt;
    if (c == '%') {
      const int byte = escaped_byte(path, i);
      if (byte == '/' || byte == '\\' || byte == 0) return std::nullopt;
    }
  }
  std::vector<std::string_view> segments;
  std::size_t size = 0;
  for (std::size_t start = 0; start < path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const auto segment = path.substr(start, end - start);
    if (!segment.empty()) {
      if (is_dot_segment(segment)) return std::nullopt;
      segments.push_back(segment);
      size += 1 + segment.size();
    }
    start = end + 1;
  }
  if (segments.empty()) return std::string("/");
  // Written into place (GCC 12 warns wrongly about overlap on appends of a string_view).
  std::string canonical(size, '/');
  auto out = canonical.begin();
  for (const auto segment : segments) out = std::copy(segment.begin(), segment.end(), out + 1);
  return canonical;
}

}  // namespace switchboard
