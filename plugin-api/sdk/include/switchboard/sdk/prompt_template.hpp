#pragma once
/// @file
/// Prompt templates, in the two syntaxes the framework plugins speak. Part of the plugin SDK.
///
/// - Kernel style (Semantic Kernel): `{{$name}}`, spaces allowed inside the braces
///   (`{{ $name }}`); any other `{{…}}` is text.
/// - F-string style (LangChain): `{name}`; `{{` and `}}` are literal braces.
///
/// A string argument is inserted as it is; any other JSON value as compact JSON. A variable
/// without an argument is an error naming it, never silently empty.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace switchboard::sdk {

tl::expected<std::string, std::string> render_kernel_template(std::string_view text, const nlohmann::json& arguments);
tl::expected<std::string, std::string> render_fstring_template(std::string_view text, const nlohmann::json& arguments);

/// The variables a template uses, in order of first use.
std::vector<std::string> kernel_template_variables(std::string_view text);
std::vector<std::string> fstring_template_variables(std::string_view text);

}  // namespace switchboard::sdk
