#include <switchboard/sdk/prompt_template.hpp>

#include <algorithm>
#include <cctype>

namespace switchboard::sdk {
namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

std::string value_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>()
                           : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Calls `on_text` and `on_variable` for the pieces of a kernel-style template.
template <typename OnText, typename OnVariable>
void scan_kernel(std::string_view text, OnText on_text, OnVariable on_variable) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto open = text.find("{{", at);
    if (open == std::string_view::npos) break;
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    std::string_view inner = text.substr(open + 2, close - open - 2);
    while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.front()))) inner.remove_prefix(1);
    while (!inner.empty() && std::isspace(static_cast<unsigned char>(inner.back()))) inner.remove_suffix(1);
    const bool variable =
        inner.size() > 1 && inner.front() == '$' && std::all_of(inner.begin() + 1, inner.end(), is_name_char);
    if (!variable) {  // not ours: keep the braces as text and look further on
      on_text(text.substr(at, open + 2 - at));
      at = open + 2;
      continue;
    }
    on_text(text.substr(at, open - at));
    on_variable(std::string(inner.substr(1)));
    at = close + 2;
  }
  on_text(text.substr(std::min(at, text.size())));
}

// The same for f-string templates; false when a brace is unbalanced.
template <typename OnText, typename OnVariable>
bool scan_fstring(std::string_view text, OnText on_text, OnVariable on_variable, std::string& error) {
  std::size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '{' && at + 1 < text.size() && text[at + 1] == '{') {
      on_text("{");
      at += 2;
    } else if (c == '}' && at + 1 < text.size() && text[at + 1] == '}') {
      on_text("}");
      at += 2;
    } else if (c == '{') {
      const auto close = text.find('}', at + 1);
      const std::string_view name = close == std::string_view::npos ? "" : text.substr(at + 1, close - at - 1);
      if (close == std::string_view::npos || name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
        error = "unbalanced or invalid '{' at offset " + std::to_string(at) + " (write {{ for a literal brace)";
        return false;
      }
      on_variable(std::string(name));
      at = close + 1;
    } else if (c == '}') {
      error = "single '}' at offset " + std::to_string(at) + " (write }} for a literal brace)";
      return false;
    } else {
      const auto next = text.find_first_of("{}", at);
      const auto end = next == std::string_view::npos ? text.size() : next;
      on_text(text.substr(at, end - at));
      at = end;
    }
  }
  return true;
}

}  // namespace

namespace {

// The output of a rendering: text pieces as they come, variables replaced by their argument,
// and the first variable that had none.
struct Rendering {
  const nlohmann::json& arguments;
  std::string out;
  std::string missing;

  void text(std::string_view piece) { out.append(piece); }
  void variable(const std::string& name) {
    if (arguments.is_object() && arguments.contains(name)) {
      out += value_text(arguments[name]);
    } else if (missing.empty()) {
      missing = name;
    }
  }
};

}  // namespace

tl::expected<std::string, std::string> render_kernel_template(std::string_view text, const nlohmann::json& arguments) {
  Rendering r{arguments, {}, {}};
  scan_kernel(
      text, [&](std::string_view piece) { r.text(piece); }, [&](const std::string& name) { r.variable(name); });
  if (!r.missing.empty()) return tl::unexpected("no argument for template variable $" + r.missing);
  return std::move(r.out);
}

tl::expected<std::string, std::string> render_fstring_template(std::string_view text, const nlohmann::json& arguments) {
  Rendering r{arguments, {}, {}};
  std::string error;
  const bool ok = scan_fstring(
      text, [&](std::string_view piece) { r.text(piece); }, [&](const std::string& name) { r.variable(name); }, error);
  if (!ok) return tl::unexpected(error);
  if (!r.missing.empty()) return tl::unexpected("no argument for template variable {" + r.missing + "}");
  return std::move(r.out);
}

std::vector<std::string> kernel_template_variables(std::string_view text) {
  std::vector<std::string> names;
  scan_kernel(
      text, [](std::string_view) {},
      [&](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      });
  return names;
}

std::vector<std::string> fstring_template_variables(std::string_view text) {
  std::vector<std::string> names;
  std::string error;
  scan_fstring(
      text, [](std::string_view) {},
      [&](const std::string& name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      },
      error);
  return names;
}

}  // namespace switchboard::sdk
