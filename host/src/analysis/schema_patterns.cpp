#include "schema_patterns.hpp"

// valijson reports a broken schema by throwing only when asked to; otherwise it aborts.
#define VALIJSON_USE_EXCEPTIONS 1

#include <memory>
#include <new>
#include <set>
#include <vector>

#include <re2/re2.h>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/internal/adapter.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>

namespace switchboard::analysis {
namespace {

constexpr const char* kPatternKeyword = "x-switchboard-re2-pattern";
constexpr const char* kFormatKeyword = "x-switchboard-re2-format";

std::unique_ptr<RE2> compile(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(2 << 20);
  return std::make_unique<RE2>(pattern, options);
}

// A string constraint matched with RE2. valijson copies constraints into its own memory
// (cloneInto); the compiled expression is shared by the copies.
class Re2Constraint : public valijson::constraints::PolyConstraint {
 public:
  bool validate(const valijson::adapters::Adapter& target, const std::vector<std::string>& context,
                valijson::ValidationResults* results) const override {
    std::string text;
    if (!target.getString(text)) return true;  // JSON Schema: these keywords apply to strings only
    if (matches(text)) return true;
    if (results) results->pushError(context, failure());
    return false;
  }

 protected:
  virtual bool matches(const std::string& text) const = 0;
  virtual std::string failure() const = 0;
};

class PatternConstraint final : public Re2Constraint {
 public:
  explicit PatternConstraint(std::shared_ptr<const RE2> expression) : expression_(std::move(expression)) {}

 private:
  // JSON Schema's `pattern` is unanchored: a match anywhere in the string.
  bool matches(const std::string& text) const override { return RE2::PartialMatch(text, *expression_); }
  std::string failure() const override { return "does not match the pattern " + expression_->pattern(); }
  Constraint* cloneInto(void* memory) const override { return new (memory) PatternConstraint(*this); }
  size_t sizeOf() const override { return sizeof(PatternConstraint); }

  std::shared_ptr<const RE2> expression_;
};

// The formats valijson checks (date, time, date-time, RFC 3339); it ignores every other one.
class FormatConstraint final : public Re2Constraint {
 public:
  explicit FormatConstraint(std::string format) : format_(std::move(format)) {}

 private:
  bool matches(const std::string& text) const override {
    static const RE2 date(R"((\d+)-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01]))");
    static const RE2 time(R"(([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d))");
    static const RE2 date_time(
        R"((\d+)-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])[Tt](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d))");
    std::string year;
    int month = 0;
    int day = 0;
    if (format_ == "date") return RE2::FullMatch(text, date, &year, &month, &day) && day_exists(year, month, day);
    if (format_ == "date-time")
      return RE2::FullMatch(text, date_time, &year, &month, &day) && day_exists(year, month, day);
    if (format_ == "time") return RE2::FullMatch(text, time);
    return true;
  }
  std::string failure() const override { return "String should be a valid " + format_; }
  Constraint* cloneInto(void* memory) const override { return new (memory) FormatConstraint(*this); }
  size_t sizeOf() const override { return sizeof(FormatConstraint); }

  static bool day_exists(const std::string& year, int month, int day) {
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (day > kDays[month - 1]) return false;
    if (month != 2 || day != 29) return true;
    // The last four digits decide a leap year: 10 000 is a multiple of 4, 100 and 400.
    const int last = std::stoi(year.size() > 4 ? year.substr(year.size() - 4) : year);
    return last % 4 == 0 && (last % 100 != 0 || last % 400 == 0);
  }

  std::string format_;
};

class PatternBuilder final : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    std::string pattern;
    if (!value.getString(pattern)) throw std::runtime_error("'pattern' must be a string");
    std::shared_ptr<const RE2> expression = compile(pattern);
    if (!expression->ok()) throw std::runtime_error("'pattern' is not a regular expression RE2 accepts: " + pattern);
    return new PatternConstraint(std::move(expression));
  }
};

class FormatBuilder final : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const valijson::adapters::Adapter& value) const override {
    std::string format;
    if (!value.getString(format)) throw std::runtime_error("'format' must be a string");
    return new FormatConstraint(std::move(format));
  }
};

// The subschemas directly inside `node` (Draft 7 applicators), and the target of its `$ref`.
void push_subschemas(nlohmann::json& node, nlohmann::json& root, std::vector<nlohmann::json*>& pending) {
  for (const char* keyword :
       {"additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else", "items"}) {
    if (auto it = node.find(keyword); it != node.end() && it->is_object()) pending.push_back(&*it);
  }
  for (const char* keyword : {"allOf", "anyOf", "oneOf", "items"}) {
    if (auto it = node.find(keyword); it != node.end() && it->is_array()) {
      for (auto& each : *it) pending.push_back(&each);
    }
  }
  for (const char* keyword : {"properties", "definitions", "$defs", "dependencies"}) {
    if (auto it = node.find(keyword); it != node.end() && it->is_object()) {
      for (auto& each : *it) pending.push_back(&each);
    }
  }
  if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
    const std::string& text = ref->get_ref<const std::string&>();
    if (text.starts_with("#")) {
      try {
        pending.push_back(&root.at(nlohmann::json::json_pointer(text.substr(1))));
      } catch (const nlohmann::json::exception&) {
        // a reference to nothing: valijson refuses the schema with its reason
      }
    }
  }
}

}  // namespace

std::optional<std::string> route_patterns_through_re2(nlohmann::json& schema) {
  std::set<const nlohmann::json*> seen;
  std::vector<nlohmann::json*> subschemas;
  std::vector<nlohmann::json*> pending = {&schema};
  while (!pending.empty()) {
    auto* node = pending.back();
    pending.pop_back();
    if (!node->is_object() || !seen.insert(node).second) continue;
    subschemas.push_back(node);
    push_subschemas(*node, schema, pending);
  }
  for (auto* node : subschemas) {
    if (node->contains("patternProperties")) {
      return std::string("\"patternProperties\" is not supported (use \"propertyNames\" with a \"pattern\")");
    }
    if (auto pattern = node->find("pattern"); pattern != node->end()) {
      if (pattern->is_string()) {
        const auto& text = pattern->get_ref<const std::string&>();
        if (text.size() > kMaxPatternBytes)
          return "a \"pattern\" is longer than " + std::to_string(kMaxPatternBytes) + " characters";
        if (const auto expression = compile(text); !expression->ok())
          return "a \"pattern\" is not a regular expression RE2 accepts (" + expression->error() + "): " + text;
      }
      (*node)[kPatternKeyword] = std::move(*pattern);
      node->erase("pattern");
    }
    if (auto format = node->find("format"); format != node->end()) {
      (*node)[kFormatKeyword] = std::move(*format);
      node->erase("format");
    }
  }
  return std::nullopt;
}

void add_re2_constraints(valijson::SchemaParser& parser) {
  // The parser owns and deletes the builders.
  parser.addConstraintBuilder(kPatternKeyword, new PatternBuilder);
  parser.addConstraintBuilder(kFormatKeyword, new FormatBuilder);
}

}  // namespace switchboard::analysis
