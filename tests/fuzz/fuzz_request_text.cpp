// Text that comes from clients: request ids, paths routed by the router, query strings, console
// asset names, story cursors, and anything that
// ends up in a log line. Invariants: an id the host keeps is always a sane one; masking
// never crashes and never leaves a long sk- key in the clear.
#include <cstddef>
#include <cstdint>
#include <string>

#include <switchboard/log.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/request_id.hpp>
#include <switchboard/request_path.hpp>
#include <switchboard/router.hpp>

#include "api/character_input.hpp"
#include "api/console_assets.hpp"
#include "api/story_cursor.hpp"

namespace {

switchboard::HttpResponse ok(const switchboard::RequestContext&, const switchboard::PathParams&) { return {}; }

const switchboard::Router& router() {
  static const switchboard::Router instance = [] {
    switchboard::Router r;
    r.add("GET", "/health", ok);
    r.add("POST", "/admin/plugins/{name}/reload", ok);
    r.add("DELETE", "/admin/plugins/{name}", ok);
    r.add("POST", "/v1/frameworks/{name}/tasks/{task}", ok);
    return r;
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string id = switchboard::accept_or_generate_request_id(text);
  if (!switchboard::is_acceptable_request_id(id)) __builtin_trap();
  if (id != text && switchboard::is_acceptable_request_id(text)) __builtin_trap();

  // A canonical path is one the router and every prefix check read alike: no empty or dot
  // segment, no trailing slash, and canonical again unchanged.
  if (auto canonical = switchboard::canonical_request_path(text)) {
    const std::string& path = *canonical;
    if (path.empty() || path.front() != '/' || path.find("//") != std::string::npos ||
        (path.size() > 1 && path.back() == '/') || path.find("/./") != std::string::npos ||
        path.find("/../") != std::string::npos || path.ends_with("/..") || path.ends_with("/.") ||
        path.find('\\') != std::string::npos)
      __builtin_trap();
    if (switchboard::canonical_request_path(path) != canonical) __builtin_trap();
  }

  auto match = router().match("POST", text);
  for (const auto& [name, value] : match.params) {
    if (value.empty() || value.find('/') != std::string::npos) __builtin_trap();
  }

  // Story characters: a name that passes has no tag, no script, and 1–100 characters.
  std::string why;
  if (auto name = switchboard::clean_character_text(text, why)) {
    if (name->empty() || name->find('<') != std::string::npos || name->size() > 400) __builtin_trap();
  } else if (why.empty()) {
    __builtin_trap();
  }

  // Console asset names: one accepted stays inside the folder and has a type.
  if (switchboard::is_console_asset_name(text)) {
    if (text.find('/') != std::string::npos || text.front() == '.' || text.size() > 128 ||
        !switchboard::console_asset_type(text))
      __builtin_trap();
  }

  // Story cursors: one accepted names a story as a page would write it, so it reads back whole.
  if (const auto cursor = switchboard::parse_story_cursor(text)) {
    switchboard::storage::Story last;
    last.created_at = cursor->created_at;
    last.id = cursor->id;
    if (switchboard::story_cursor_text(last) != text || cursor->id <= 0) __builtin_trap();
  }

  // Query strings: every decoded key and value is no longer than the text it came from.
  for (const auto& [key, value] : switchboard::parse_query(text)) {
    if (key.size() + value.size() > text.size()) __builtin_trap();
  }

  const std::string masked = switchboard::mask_secrets_in_text(text);
  for (std::size_t at = masked.find("sk-"); at != std::string::npos; at = masked.find("sk-", at + 1)) {
    std::size_t end = at + 3;
    while (end < masked.size() && (std::isalnum(static_cast<unsigned char>(masked[end])) || masked[end] == '-' ||
                                   masked[end] == '_' || masked[end] == '.'))
      ++end;
    // A masked key keeps 4 + 4 characters around an ellipsis; a run of 20 is a leak.
    if (end - at >= 20 && (at == 0 || !std::isalnum(static_cast<unsigned char>(masked[at - 1])))) __builtin_trap();
  }
  return 0;
}
