#include "input_rules.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <re2/re2.h>

namespace input_guard {
namespace {

using json = nlohmann::json;

// The length of the well-formed UTF-8 sequence at `text[at]`, 0 when there is none (a stray
// continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut short).
std::size_t sequence_length(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (byte >= 0xC2 && byte <= 0xDF) {
    length = 2;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    length = 3;
    if (byte == 0xE0) low = 0xA0;
    if (byte == 0xED) high = 0x9F;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    length = 4;
    if (byte == 0xF0) low = 0x90;
    if (byte == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  const auto second = static_cast<unsigned char>(text[at + 1]);
  if (second < low || second > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return 0;
  return length;
}

// C0 control characters but the three that text uses.
bool is_dropped_control(unsigned char byte) { return byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r'; }

struct Census {
  std::size_t characters = 0;  // code points; a byte that is not UTF-8 counts as one
  std::size_t controls = 0;
  unsigned char first_control = 0;
  std::size_t bad_bytes = 0;
};

Census take_census(std::string_view text) {
  Census census;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto length = sequence_length(text, at);
    if (length == 0) {
      ++census.bad_bytes;
    } else if (length == 1 && is_dropped_control(static_cast<unsigned char>(text[at])) && census.controls++ == 0) {
      census.first_control = static_cast<unsigned char>(text[at]);
    }
    at += length == 0 ? 1 : length;
    ++census.characters;
  }
  return census;
}

std::string clean(std::string_view text) {
  std::string cleaned;
  cleaned.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    const auto length = sequence_length(text, at);
    if (length == 0) {
      cleaned += "\xEF\xBF\xBD";  // U+FFFD
    } else if (length > 1 || !is_dropped_control(static_cast<unsigned char>(text[at]))) {
      cleaned.append(text.substr(at, length));
    }
    at += length == 0 ? 1 : length;
  }
  return cleaned;
}

struct Pattern {
  Category category;
  const char* id;
  const char* regex;
};

// Case-insensitive, ASCII. The injection heuristics want the words of an instruction aimed at
// the model, not the words alone: "ignore" or "previous" or "the system" in a story pass, and
// so does "jailbreak" in one about a prison.
const Pattern kPatterns[] = {
    {Category::markup, "script_tag", R"(<\s*/?\s*script\b)"},
    // A URL, not prose: "JavaScript: the good parts" has a space after the colon.
    {Category::markup, "javascript_url", R"(\bjavascript:\S)"},
    // Only inside a tag, so "once = twice" is no event handler; '/' and quotes separate
    // attributes as well as spaces do (<svg/onload=…>).
    {Category::markup, "event_handler", R"(<[a-z][^<>]*[\s/"']on[a-z]+\s*=)"},
    {Category::markup, "iframe_tag", R"(<\s*iframe\b)"},
    {Category::markup, "object_tag", R"(<\s*(?:object|embed)\b)"},
    {Category::sql, "sql_ddl",
     R"(\b(?:drop|delete|insert|update|create|alter|exec|execute)\s+(?:table|database|schema)\b)"},
    {Category::prompt_injection, "ignore_previous",
     R"(\bignore\s+(?:(?:all|any)\s+(?:of\s+)?)?(?:(?:the|your|my|these|those)\s+)?)"
     R"((?:previous|prior|above|earlier|preceding|foregoing)\s+)"
     R"((?:instructions?|prompts?|rules|directions|directives|guidelines|commands|context|messages?)\b)"
     R"(|\bignore\s+(?:(?:all|any)\s+(?:of\s+)?)?your\s+(?:system\s+)?(?:instructions|rules|guidelines|programming|prompt)\b)"
     R"(|\bignore\s+all\s+(?:instructions|prompts)\b)"},
    {Category::prompt_injection, "disregard_previous",
     R"(\bdisregard\s+(?:(?:all|any)\s+(?:of\s+)?)?(?:(?:the|your|my)\s+)?)"
     R"((?:previous|prior|above|earlier|preceding|system)\s+)"
     R"((?:instructions?|prompts?|rules|directions|guidelines|messages?)\b)"
     R"(|\bdisregard\s+(?:(?:all|any)\s+(?:of\s+)?)?your\s+(?:instructions|rules|guidelines|programming|prompt)\b)"},
    {Category::prompt_injection, "forget_instructions",
     R"(\bforget\s+(?:everything|all|your)\s+(?:(?:of\s+)?(?:your|the)\s+)?(?:previous|prior|above|earlier)\b)"
     R"(|\bforget\s+(?:everything|all|any|your)\s+(?:(?:of\s+)?your\s+)?)"
     R"((?:instructions|rules|guidelines|programming|directives)\b)"},
    {Category::prompt_injection, "you_are_now",
     R"(\byou\s+are\s+now\s+(?:a|an|in|the)\s+[^.\n]{0,40}?\b(?:ai|assistant|chatbot|language\s+model|llm)"
     R"(|(?:developer|god|dan|jailbreak|unrestricted|unfiltered|uncensored|admin|sudo|debug)\s+mode)\b)"
     R"(|\byou\s+are\s+now\s+(?:unrestricted|unfiltered|uncensored|jailbroken|unchained)\b)"},
    {Category::prompt_injection, "act_unrestricted",
     R"(\b(?:act|behave|respond|pretend)\s+(?:as\s+(?:if\s+you\s+(?:are|were)\s+)?|like\s+)[^.\n]{0,60}?)"
     R"(\b(?:without|with\s+no|free\s+(?:of|from))\s+(?:any\s+|all\s+)?)"
     R"((?:restrictions|filters|limitations|limits|rules|guidelines|censorship|boundaries)\b)"},
    {Category::prompt_injection, "reveal_prompt",
     R"(\b(?:reveal|show|print|repeat|display|output|leak|dump|tell\s+me|give\s+me)\s+(?:me\s+)?)"
     R"((?:your\s+(?:(?:full|entire|original|initial|hidden|secret|exact)\s+)?)"
     R"((?:system\s+prompt|system\s+message|hidden\s+prompt|initial\s+prompt|instructions|prompt))"
     R"(|the\s+(?:(?:full|entire|original|initial|hidden|secret|exact)\s+)?)"
     R"((?:system\s+prompt|system\s+message|hidden\s+prompt|initial\s+prompt|system\s+instructions))\b)"},
    {Category::prompt_injection, "new_instructions", R"(\bnew\s+instructions\s*:)"},
    // DAN ("Do Anything Now") in capitals only: Dan is a name in stories.
    {Category::prompt_injection, "dan_mode",
     R"(\b(?-i:DAN)\s+mode\b|\b(?:you\s+are|you're|act\s+as|acting\s+as)\s+(?:now\s+)?(?-i:DAN)\b)"},
    {Category::prompt_injection, "jailbreak",
     R"(\bjailbr(?:eak|oken)\s+(?:mode|prompt)\b|\b(?:you\s+are|you're)\s+(?:now\s+)?jailbroken\b)"
     R"(|\bjailbreak\s+(?:the|this|your|an?)\s+(?:ai|model|assistant|chatbot|bot|llm|filters?|safety)\b)"},
    {Category::prompt_injection, "developer_mode",
     R"(\bdeveloper\s+mode\s+(?:enabled|output|activated)\b)"
     R"(|\b(?:you\s+are|you're)\s+(?:now\s+)?in\s+developer\s+mode\b)"
     R"(|\bact(?:ing)?\s+as\s+[^.\n]{0,40}?\bdeveloper\s+mode\b)"},
    // Chat-template tokens of ChatML, Llama 2 and Llama 3: text that pretends to be a turn.
    {Category::prompt_injection, "role_token",
     R"(<\|(?:im_start|im_end|system|user|assistant|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\|>)"
     R"(|\[/?inst\]|<</?sys>>)"},
    {Category::prompt_injection, "system_line",
     R"((?m)^[ \t]*(?:#{1,6}[ \t]*(?:system|instructions?|response)|system)[ \t]*:)"},
};
constexpr std::size_t kPatternCount = std::size(kPatterns);

// RE2 objects are safe to match from many threads at once; compiled on first use.
const std::array<std::unique_ptr<RE2>, kPatternCount>& compiled_patterns() {
  static const auto compiled = [] {
    std::array<std::unique_ptr<RE2>, kPatternCount> patterns;
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);  // any bytes are text; the patterns are ASCII
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    for (std::size_t i = 0; i < kPatternCount; ++i) {
      patterns[i] = std::make_unique<RE2>(kPatterns[i].regex, options);
      if (!patterns[i]->ok())
        throw std::logic_error(std::string("input-guard pattern ") + kPatterns[i].id + ": " + patterns[i]->error());
    }
    return patterns;
  }();
  return compiled;
}

bool enabled(const Rules& rules, Category category) {
  switch (category) {
    case Category::markup:
      return rules.check_markup;
    case Category::sql:
      return rules.check_sql;
    case Category::prompt_injection:
      return rules.check_injection;
    case Category::control_character:
    case Category::invalid_utf8:
    case Category::too_long:
      return true;
  }
  return true;
}

std::string code_point(unsigned char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "U+%04X", byte);
  return text;
}

// The violations of one string value; `key` is its last key name (nullptr for none). Their
// `field` is left to the caller, which knows the path.
std::vector<Violation> check(const Rules& rules, const std::string& text, const std::string* key) {
  std::vector<Violation> found;
  const auto census = take_census(text);
  if (census.controls > 0) {
    found.push_back({{},
                     Category::control_character,
                     code_point(census.first_control) +
                         (census.controls > 1 ? " and " + std::to_string(census.controls - 1) + " more" : "")});
  }
  if (census.bad_bytes > 0)
    found.push_back({{}, Category::invalid_utf8, std::to_string(census.bad_bytes) + " bytes that are not UTF-8"});
  std::size_t limit = rules.max_length;
  if (key != nullptr) {
    if (const auto field = rules.field_limits.find(*key); field != rules.field_limits.end()) limit = field->second;
  }
  if (census.characters > limit) {
    found.push_back(
        {{}, Category::too_long, std::to_string(census.characters) + " characters, limit " + std::to_string(limit)});
  }
  // The patterns see the text as the model will: cleaned.
  const bool dirty = census.controls > 0 || census.bad_bytes > 0;
  const std::string cleaned = dirty ? clean(text) : std::string();
  const re2::StringPiece subject = dirty ? cleaned : text;
  const auto& patterns = compiled_patterns();
  for (std::size_t i = 0; i < kPatternCount; ++i) {
    if (enabled(rules, kPatterns[i].category) && RE2::PartialMatch(subject, *patterns[i]))
      found.push_back({{}, kPatterns[i].category, kPatterns[i].id});
  }
  return found;
}

// The path of a value: "messages[2].content"; very deep ones keep their end, where the value is.
constexpr std::size_t kMaxPathLength = 256;

struct Frame {
  const json* container;
  json::const_iterator at;   // the member being walked
  std::size_t index;         // its position, for a path into an array
  const std::string* owner;  // the key name the container's elements answer to (nullptr at the top)
};

std::string path_of(const std::vector<Frame>& frames) {
  std::string path;
  for (const auto& frame : frames) {
    if (frame.container->is_object()) {
      if (!path.empty()) path += '.';
      path += frame.at.key().empty() ? "\"\"" : frame.at.key();  // a key named "" still names a field
    } else {
      path += "[" + std::to_string(frame.index) + "]";
    }
  }
  if (path.size() <= kMaxPathLength) return path;
  auto start = path.size() - kMaxPathLength;
  while (start < path.size() && (static_cast<unsigned char>(path[start]) & 0xC0) == 0x80) ++start;  // whole characters
  return "..." + path.substr(start);
}

std::size_t limit_from(const json& value, const std::string& key) {
  constexpr std::int64_t kMost = 100'000'000;
  if (!value.is_number_integer() || value.get<std::int64_t>() < 1 || value.get<std::int64_t>() > kMost)
    throw std::invalid_argument(key + " must be a whole number of characters from 1 to " + std::to_string(kMost));
  return static_cast<std::size_t>(value.get<std::int64_t>());
}

bool flag_from(const json& config, const std::string& key, bool fallback) {
  const auto found = config.find(key);
  if (found == config.end()) return fallback;
  if (!found->is_boolean()) throw std::invalid_argument(key + " must be true or false");
  return found->get<bool>();
}

}  // namespace

std::string sanitise_text(std::string_view text) { return clean(text); }

const char* name(Category category) {
  switch (category) {
    case Category::control_character:
      return "control_character";
    case Category::invalid_utf8:
      return "invalid_utf8";
    case Category::too_long:
      return "too_long";
    case Category::markup:
      return "markup";
    case Category::sql:
      return "sql";
    case Category::prompt_injection:
      return "prompt_injection";
  }
  return "unknown";
}

Rules Rules::from_config(const json& config) {
  Rules rules;
  // An uploaded document's text (the host passes it as `document`): as long as an upload may be.
  rules.field_limits["document"] = kDocumentCharacters;
  if (config.is_null()) return rules;
  if (!config.is_object()) throw std::invalid_argument("input-guard configuration must be a map");
  if (const auto found = config.find("max_length"); found != config.end())
    rules.max_length = limit_from(*found, "max_length");
  if (const auto found = config.find("field_limits"); found != config.end()) {
    if (!found->is_object()) throw std::invalid_argument("field_limits must be a map of field name to characters");
    for (const auto& [field, limit] : found->items())
      rules.field_limits[field] = limit_from(limit, "field_limits." + field);
  }
  rules.check_markup = flag_from(config, "check_markup", rules.check_markup);
  rules.check_sql = flag_from(config, "check_sql", rules.check_sql);
  rules.check_injection = flag_from(config, "check_injection", rules.check_injection);
  return rules;
}

Inspector::Inspector(Rules rules) : rules_(std::move(rules)) {
  compiled_patterns();  // a bad pattern fails the plugin's start, not a request
}

std::vector<Violation> Inspector::inspect(const json& body) const {
  std::vector<Violation> violations;
  const auto add = [&](std::vector<Violation> found, const std::vector<Frame>& frames) {
    for (auto& violation : found) {
      if (violations.size() == kMaxViolations) return;
      violation.field = frames.empty() ? "$" : path_of(frames);
      violations.push_back(std::move(violation));
    }
  };
  if (body.is_string()) add(check(rules_, body.get_ref<const std::string&>(), nullptr), {});
  if (!body.is_structured()) return violations;

  // Depth first with an explicit stack: a frame's `at` stays on the member being walked until
  // everything below it is done, so the frames spell the current path.
  std::vector<Frame> frames{{&body, body.cbegin(), 0, nullptr}};
  while (!frames.empty() && violations.size() < kMaxViolations) {
    auto& top = frames.back();
    if (top.at == top.container->cend()) {
      frames.pop_back();
      if (!frames.empty()) {
        ++frames.back().at;
        ++frames.back().index;
      }
      continue;
    }
    const json& value = *top.at;
    const std::string* key = top.container->is_object() ? &top.at.key() : top.owner;
    if (value.is_structured()) {
      frames.push_back({&value, value.cbegin(), 0, key});  // `top` is not used after this
      continue;
    }
    if (value.is_string()) add(check(rules_, value.get_ref<const std::string&>(), key), frames);
    ++top.at;
    ++top.index;
  }
  return violations;
}

json Inspector::sanitise(const json& body) const {
  json result;
  // Each source value with the place its copy goes. Object members and the elements of an
  // array sized up front keep their addresses while the rest is filled in.
  std::vector<std::pair<const json*, json*>> work{{&body, &result}};
  while (!work.empty()) {
    const auto [source, target] = work.back();
    work.pop_back();
    if (source->is_string()) {
      const auto& text = source->get_ref<const std::string&>();
      const auto census = take_census(text);
      *target = census.controls > 0 || census.bad_bytes > 0 ? clean(text) : text;
    } else if (source->is_object()) {
      *target = json::object();
      for (auto member = source->cbegin(); member != source->cend(); ++member)
        work.emplace_back(&member.value(), &(*target)[member.key()]);
    } else if (source->is_array()) {
      *target = json::array();
      auto& elements = target->get_ref<json::array_t&>();
      elements.resize(source->size());
      for (std::size_t i = 0; i < elements.size(); ++i) work.emplace_back(&(*source)[i], &elements[i]);
    } else {
      *target = *source;
    }
  }
  return result;
}

}  // namespace input_guard
