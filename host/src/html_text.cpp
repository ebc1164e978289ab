#include "html_text.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

#include <climits>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

namespace switchboard::context_text {
namespace {

// Elements whose content a reader never sees as text.
bool hidden(std::string_view name) {
  for (std::string_view skip : {"script", "style", "noscript", "template"})
    if (name == skip) return true;
  return false;
}

// Elements that stand on lines of their own.
bool block(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "address", "article",  "aside",      "blockquote", "br",     "caption", "dd",   "div", "dl",
      "dt",      "fieldset", "figcaption", "figure",     "footer", "form",    "h1",   "h2",  "h3",
      "h4",      "h5",       "h6",         "header",     "hr",     "li",      "main", "nav", "ol",
      "p",       "pre",      "section",    "table",      "title",  "tr",      "ul"};
  for (auto b : kBlocks)
    if (name == b) return true;
  return false;
}

// Collects text with HTML's white-space rules: runs fold to one space, except inside <pre>.
class TextWriter {
 public:
  void text(std::string_view piece, bool preformatted) {
    for (char c : piece) {
      const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
      if (space && !preformatted) {
        pending_space_ = true;
        continue;
      }
      if (pending_space_ && !out_.empty() && out_.back() != '\n') out_.push_back(' ');
      pending_space_ = false;
      out_.push_back(c);
    }
  }
  void space() { pending_space_ = true; }
  void line_break() {
    if (!out_.empty() && out_.back() != '\n') out_.push_back('\n');
    pending_space_ = false;
  }
  std::string take() {
    while (!out_.empty() && out_.back() == '\n') out_.pop_back();
    return std::move(out_);
  }

 private:
  std::string out_;
  bool pending_space_ = false;
};

std::string_view name_of(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

}  // namespace

tl::expected<std::string, std::string> html_visible_text(std::string_view html) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { xmlInitParser(); });  // libxml2's globals, once, before threads race
  if (html.size() > INT_MAX) return tl::unexpected(std::string("the HTML document is too large"));
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      htmlReadMemory(html.data(), static_cast<int>(html.size()), nullptr, nullptr,
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET),
      &xmlFreeDoc);
  if (!doc) return tl::unexpected(std::string("the file is not an HTML document libxml2 can read"));
  xmlNode* const root = xmlDocGetRootElement(doc.get());

  // Depth-first without recursion, so no nesting depth can exhaust the stack.
  TextWriter writer;
  int preformatted = 0;
  for (xmlNode* node = root; node;) {
    bool descend = false;
    if (node->type == XML_ELEMENT_NODE) {
      const auto name = name_of(node);
      if (block(name)) writer.line_break();
      if (name == "pre") ++preformatted;
      descend = node->children && !hidden(name);
    } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) && node->content) {
      writer.text(reinterpret_cast<const char*>(node->content), preformatted > 0);
    }
    if (descend) {
      node = node->children;
      continue;
    }
    // Leave this node, and every ancestor whose last child it was.
    for (;;) {
      if (node->type == XML_ELEMENT_NODE) {
        const auto name = name_of(node);
        if (name == "pre") --preformatted;
        if (block(name)) writer.line_break();
        if (name == "td" || name == "th") writer.space();
      }
      if (node == root) {
        node = nullptr;
        break;
      }
      if (node->next) {
        node = node->next;
        break;
      }
      node = node->parent;
    }
  }
  return writer.take();
}

}  // namespace switchboard::context_text
