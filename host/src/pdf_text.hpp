#pragma once
// The text of a PDF's pages, in order, through poppler.

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace switchboard::context_text {

// An error when the data is not a PDF poppler can open, is encrypted, or has no pages.
tl::expected<std::string, std::string> pdf_text(std::string_view pdf);

}  // namespace switchboard::context_text
