#pragma once
// The visible text of an HTML document, as a reader would see it: what scripts, styles and
// templates hold left out, blocks on lines of their own, runs of white space folded.

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace switchboard::context_text {

tl::expected<std::string, std::string> html_visible_text(std::string_view html);

}  // namespace switchboard::context_text
