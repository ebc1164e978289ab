#include "pdf_text.hpp"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>

namespace switchboard::context_text {
namespace {

// PDF 1.7 (7.5.2): readers look for the header within the first 1024 bytes.
constexpr std::size_t kHeaderWindow = 1024;

// Poppler reports syntax problems of damaged files on stderr, which holds our JSON log lines;
// the caller answers with its own error instead.
void quiet(const std::string&, void*) {}

}  // namespace

tl::expected<std::string, std::string> pdf_text(std::string_view pdf) {
  static std::once_flag silenced;
  std::call_once(silenced, [] { poppler::set_debug_error_function(quiet, nullptr); });
  if (pdf.substr(0, kHeaderWindow).find("%PDF-") == std::string_view::npos) {
    return tl::unexpected(std::string("the file is not a PDF (no %PDF- header)"));
  }
  if (pdf.size() > INT_MAX) return tl::unexpected(std::string("the PDF is too large"));
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  if (!document) return tl::unexpected(std::string("the PDF is damaged: poppler cannot open it"));
  if (document->is_locked()) return tl::unexpected(std::string("the PDF is encrypted with a password"));
  const int pages = document->pages();
  if (pages <= 0) return tl::unexpected(std::string("the PDF has no pages"));
  std::string text;
  for (int i = 0; i < pages; ++i) {
    std::unique_ptr<poppler::page> page(document->create_page(i));
    if (!page) continue;
    const auto utf8 = page->text().to_utf8();
    if (!text.empty() && !utf8.empty()) text += "\n\n";
    text.append(utf8.begin(), utf8.end());
  }
  return text;
}

}  // namespace switchboard::context_text
