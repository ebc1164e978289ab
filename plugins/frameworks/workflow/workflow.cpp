#include "workflow.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace workflow {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxSteps = 64;
constexpr std::size_t kMaxFileBytes = 1 << 20;

struct Invalid {
  std::string message;
};

// YAML as JSON: unquoted scalars that read as booleans or numbers become those.
json to_json(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) throw Invalid{"nested too deeply"};
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) out[item.first.Scalar()] = to_json(item.second, depth + 1);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(to_json(item, depth + 1));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted
      if (text == "true" || text == "false") return text == "true";
      if (text == "null" || text == "~") return nullptr;
      char* end = nullptr;
      errno = 0;
      const long long integer = std::strtoll(text.c_str(), &end, 10);
      if (!text.empty() && *end == '\0' && errno == 0) return integer;
      const double real = std::strtod(text.c_str(), &end);
      if (!text.empty() && *end == '\0' && errno == 0) return real;
      return text;
    }
    default:
      return nullptr;
  }
}

std::string text(const json& object, const char* key, const std::string& where, bool required = false) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) {
    if (required) throw Invalid{where + ": \"" + key + "\" is required"};
    return "";
  }
  if (!found->is_string()) throw Invalid{where + ": \"" + key + "\" must be text"};
  return found->get<std::string>();
}

std::optional<double> number(const json& object, const char* key, const std::string& where, double min, double max) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::nullopt;
  if (!found->is_number() || found->get<double>() < min || found->get<double>() > max) {
    std::ostringstream range;
    range << min << " to " << max;
    throw Invalid{where + ": \"" + key + "\" must be a number from " + range.str()};
  }
  return found->get<double>();
}

bool flag(const json& object, const char* key, bool fallback, const std::string& where) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return fallback;
  if (!found->is_boolean()) throw Invalid{where + ": \"" + key + "\" must be true or false"};
  return found->get<bool>();
}

const json& object_at(const json& parent, const char* key, const std::string& where) {
  static const json empty = json::object();
  const auto found = parent.find(key);
  if (found == parent.end() || found->is_null()) return empty;
  if (!found->is_object()) throw Invalid{where + ": \"" + key + "\" must be a map"};
  return *found;
}

const json& list_at(const json& parent, const char* key, const std::string& where) {
  static const json empty = json::array();
  const auto found = parent.find(key);
  if (found == parent.end() || found->is_null()) return empty;
  if (!found->is_array()) throw Invalid{where + ": \"" + key + "\" must be a list"};
  return *found;
}

std::string read_prompt_file(const std::string& prompts_dir, const std::string& file, const std::string& where) {
  const std::filesystem::path relative(file);
  const bool escapes = std::any_of(relative.begin(), relative.end(), [](const auto& part) { return part == ".."; });
  if (file.empty() || relative.is_absolute() || escapes) {
    throw Invalid{where + ": system_file must be a path inside the prompts folder"};
  }
  std::ifstream in(std::filesystem::path(prompts_dir) / relative, std::ios::binary);
  if (!in) throw Invalid{where + ": cannot read prompt file \"" + file + "\""};
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

const std::vector<std::string> kTypes = {"string", "number", "integer", "boolean", "array", "object"};
const std::vector<std::string> kOperators = {"equals", "not_equals", "in", "exists", "greater_than", "less_than"};

OutputSpec output_of(const json& step, const StepSpec& spec, const std::string& where) {
  OutputSpec output;
  const json& raw = object_at(step, "output", where);
  output.key = text(raw, "key", where + ".output");
  if (output.key.empty()) output.key = spec.name;
  output.format = text(raw, "format", where + ".output");
  if (output.format.empty()) output.format = "text";
  if (output.format != "text" && output.format != "json") throw Invalid{where + ".output: format is text or json"};
  output.schema = object_at(raw, "schema", where + ".output");
  for (const auto& [field, type] : object_at(output.schema, "required", where + ".output.schema").items()) {
    if (!type.is_string() || std::find(kTypes.begin(), kTypes.end(), type.get<std::string>()) == kTypes.end()) {
      throw Invalid{where + ".output.schema: the type of \"" + field +
                    "\" must be string, number, integer, boolean, array or object"};
    }
  }
  return output;
}

StepSpec step_of(const json& step, const std::string& prompts_dir, const std::string& where) {
  if (!step.is_object()) throw Invalid{where + " must be a map"};
  StepSpec spec;
  spec.name = text(step, "name", where, true);
  if (!valid_name(spec.name)) throw Invalid{where + ": name must be [a-z0-9][a-z0-9_-]*"};
  spec.system = text(step, "system", where);
  if (const auto file = text(step, "system_file", where); !file.empty()) {
    spec.system = read_prompt_file(prompts_dir, file, where);
  }
  spec.user = text(step, "user", where, true);
  spec.provider = text(step, "provider", where);
  spec.model = text(step, "model", where);
  spec.temperature = number(step, "temperature", where, 0.0, 2.0);
  if (auto tokens = number(step, "max_tokens", where, 1, 200000)) spec.max_tokens = static_cast<int>(*tokens);
  spec.timeout_seconds = static_cast<int>(number(step, "timeout_seconds", where, 1, 270).value_or(0));
  spec.output = output_of(step, spec, where);
  return spec;
}

// A step name, or a list of them.
std::vector<std::string> targets(const json& object, const char* key, const std::string& where) {
  std::vector<std::string> out;
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return out;
  if (found->is_string()) {
    out.push_back(found->get<std::string>());
  } else if (found->is_array()) {
    for (const auto& target : *found) {
      if (!target.is_string()) throw Invalid{where + ": \"" + key + "\" must name steps"};
      out.push_back(target.get<std::string>());
    }
  } else {
    throw Invalid{where + ": \"" + key + "\" must be a step or a list of steps"};
  }
  return out;
}

EdgeSpec edge_of(const json& edge, const std::string& where) {
  if (!edge.is_object()) throw Invalid{where + " must be a map"};
  EdgeSpec spec;
  spec.from = text(edge, "from", where, true);
  spec.to = targets(edge, "to", where);
  const json& conditions = list_at(edge, "when", where);
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    const std::string at = where + ".when[" + std::to_string(i) + "]";
    if (!conditions[i].is_object()) throw Invalid{at + " must be a map"};
    Condition condition;
    condition.field = text(conditions[i], "field", at, true);
    condition.to = targets(conditions[i], "to", at);
    if (condition.to.empty()) throw Invalid{at + ": \"to\" is required"};
    for (const auto& op : kOperators) {
      if (conditions[i].contains(op)) {
        if (!condition.op.empty()) throw Invalid{at + ": one operator per condition"};
        condition.op = op;
        condition.value = conditions[i][op];
      }
    }
    if (condition.op.empty())
      throw Invalid{at + ": needs one of equals, not_equals, in, exists, greater_than, less_than"};
    if (condition.op == "in" && !condition.value.is_array()) throw Invalid{at + ": \"in\" takes a list"};
    spec.when.push_back(std::move(condition));
  }
  spec.otherwise = targets(edge, "otherwise", where);
  if (spec.to.empty() && spec.when.empty()) throw Invalid{where + ": needs \"to\" or \"when\""};
  if (!spec.to.empty() && !spec.when.empty()) throw Invalid{where + ": \"to\" and \"when\" do not mix"};
  if (!spec.when.empty() && spec.otherwise.empty()) spec.otherwise = {"END"};
  return spec;
}

WorkflowSpec spec_of(const json& root, const std::string& prompts_dir) {
  if (!root.is_object()) throw Invalid{"a workflow is a map"};
  WorkflowSpec spec;
  spec.name = text(root, "name", "workflow", true);
  if (!valid_name(spec.name)) throw Invalid{"workflow: name must be [a-z0-9][a-z0-9_-]* (at most 64)"};
  spec.description = text(root, "description", "workflow");
  spec.framework = text(root, "framework", "workflow", true);
  if (spec.framework != "graph" && spec.framework != "chain") throw Invalid{"workflow: framework is graph or chain"};
  for (const auto& input : list_at(root, "inputs", "workflow")) {
    if (!input.is_object()) throw Invalid{"workflow.inputs: each input is a map"};
    InputSpec in;
    in.name = text(input, "name", "workflow.inputs", true);
    in.required = flag(input, "required", true, "workflow.inputs");
    in.max_length = static_cast<std::size_t>(number(input, "max_length", "workflow.inputs", 1, 1e7).value_or(20000));
    spec.inputs.push_back(std::move(in));
  }
  for (const auto& [key, reducer] : object_at(root, "state", "workflow").items()) {
    if (reducer != "append" && reducer != "replace") throw Invalid{"workflow.state: a reducer is append or replace"};
    spec.reducers[key] = reducer.get<std::string>();
  }
  const json& validation = object_at(root, "validation", "workflow");
  spec.validation_enabled = flag(validation, "enabled", true, "workflow.validation");
  spec.strict_validation = flag(validation, "strict", false, "workflow.validation");
  spec.step_limit = static_cast<int>(number(root, "step_limit", "workflow", 1, 1000).value_or(25));
  const json& steps = list_at(root, "steps", "workflow");
  if (steps.empty() || steps.size() > kMaxSteps) throw Invalid{"workflow: 1 to 64 steps"};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    auto step = step_of(steps[i], prompts_dir, "workflow.steps[" + std::to_string(i) + "]");
    for (const auto& other : spec.steps) {
      if (other.name == step.name) throw Invalid{"workflow: two steps are named \"" + step.name + "\""};
    }
    spec.steps.push_back(std::move(step));
  }
  spec.output = text(root, "output", "workflow");
  if (spec.output.empty()) spec.output = spec.steps.back().output.key;
  const json& edges = list_at(root, "edges", "workflow");
  if (!edges.empty() && spec.framework == "chain")
    throw Invalid{"workflow: a chain runs its steps in order (no edges)"};
  for (std::size_t i = 0; i < edges.size(); ++i)
    spec.edges.push_back(edge_of(edges[i], "workflow.edges[" + std::to_string(i) + "]"));
  return spec;
}

}  // namespace

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
            c == '-');
  });
}

tl::expected<WorkflowSpec, std::string> parse_workflow(std::string_view yaml_text, const std::string& prompts_dir) {
  try {
    return spec_of(to_json(YAML::Load(std::string(yaml_text)), 0), prompts_dir);
  } catch (const Invalid& invalid) {
    return tl::unexpected(invalid.message);
  } catch (const YAML::Exception& e) {
    return tl::unexpected(std::string("not YAML: ") + e.what());
  } catch (const std::exception& e) {
    return tl::unexpected(std::string("unreadable workflow: ") + e.what());
  }
}

tl::expected<WorkflowSpec, std::string> load_workflow(const std::string& dir, const std::string& name,
                                                      const std::string& prompts_dir) {
  if (!valid_name(name)) return tl::unexpected("\"" + name + "\" is not a workflow name");
  std::ifstream in(std::filesystem::path(dir) / (name + ".yaml"), std::ios::binary);
  if (!in) return tl::unexpected("no workflow \"" + name + "\"");
  std::string content(kMaxFileBytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(in.gcount()));
  if (content.size() > kMaxFileBytes) return tl::unexpected("workflow \"" + name + "\" is over 1 MiB");
  auto spec = parse_workflow(content, prompts_dir);
  if (spec && spec->name != name) return tl::unexpected("workflow file " + name + ".yaml names \"" + spec->name + "\"");
  return spec;
}

std::vector<WorkflowSpec> list_workflows(const std::string& dir, const std::string& framework,
                                         const std::string& prompts_dir) {
  std::vector<WorkflowSpec> found;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ignored)) {
    if (entry.path().extension() != ".yaml") continue;
    auto spec = load_workflow(dir, entry.path().stem().string(), prompts_dir);
    if (spec && spec->framework == framework) found.push_back(std::move(*spec));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return found;
}

const nlohmann::json* field_at(const nlohmann::json& state, std::string_view path) {
  const json* at = &state;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (!at->is_object()) return nullptr;
    const auto found = at->find(key);
    if (found == at->end()) return nullptr;
    at = &*found;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return at;
}

bool condition_holds(const Condition& c, const nlohmann::json& state) {
  const json* value = field_at(state, c.field);
  if (c.op == "exists")
    return (value != nullptr && !value->is_null()) == (!c.value.is_boolean() || c.value.get<bool>());
  if (!value) return c.op == "not_equals";
  if (c.op == "equals") return *value == c.value;
  if (c.op == "not_equals") return *value != c.value;
  if (c.op == "in") return std::find(c.value.begin(), c.value.end(), *value) != c.value.end();
  if (!value->is_number() || !c.value.is_number()) return false;
  return c.op == "greater_than" ? value->get<double>() > c.value.get<double>()
                                : value->get<double>() < c.value.get<double>();
}

nlohmann::json check_inputs(const WorkflowSpec& spec, const nlohmann::json& input) {
  json details = json::array();
  if (!input.is_object()) {
    details.push_back({{"field", "input"}, {"message", "must be an object"}});
    return details;
  }
  for (const auto& in : spec.inputs) {
    const auto found = input.find(in.name);
    if (found == input.end() || found->is_null()) {
      if (in.required) details.push_back({{"field", "input." + in.name}, {"message", "is required"}});
    } else if (!found->is_string() || found->get<std::string>().empty()) {
      details.push_back({{"field", "input." + in.name}, {"message", "must be non-empty text"}});
    } else if (found->get<std::string>().size() > in.max_length) {
      details.push_back(
          {{"field", "input." + in.name}, {"message", "at most " + std::to_string(in.max_length) + " characters"}});
    }
  }
  return details;
}

std::string describe_problems(const nlohmann::json& details) {
  std::string out;
  for (const auto& detail : details) {
    if (!out.empty()) out += "; ";
    out += detail.value("field", "") + " " + detail.value("message", "");
  }
  return out;
}

std::string output_text(const WorkflowSpec& spec, const nlohmann::json& state) {
  const json* answer = field_at(state, spec.output);
  if (!answer) answer = field_at(state, spec.output.substr(0, spec.output.find('.')));
  if (!answer || answer->is_null()) return "";
  return answer->is_string() ? answer->get<std::string>() : answer->dump();
}

nlohmann::json initial_state(const WorkflowSpec& spec, const nlohmann::json& input) {
  json state = json::object();
  for (const auto& in : spec.inputs) {
    if (input.is_object() && input.contains(in.name)) state[in.name] = input[in.name];
  }
  return state;
}

std::optional<std::string> schema_violation(const nlohmann::json& value, const nlohmann::json& schema) {
  const auto required = schema.find("required");
  if (required == schema.end() || !required->is_object()) return std::nullopt;
  if (!value.is_object()) return std::string("the output is not a JSON object");
  for (const auto& [field, type] : required->items()) {
    const auto found = value.find(field);
    if (found == value.end()) return "\"" + field + "\" is missing";
    const std::string want = type.is_string() ? type.get<std::string>() : "";
    const bool ok = (want == "string" && found->is_string()) || (want == "number" && found->is_number()) ||
                    (want == "integer" && found->is_number_integer()) || (want == "boolean" && found->is_boolean()) ||
                    (want == "array" && found->is_array()) || (want == "object" && found->is_object());
    if (!ok) return "\"" + field + "\" is not of type " + want;
  }
  return std::nullopt;
}

}  // namespace workflow
