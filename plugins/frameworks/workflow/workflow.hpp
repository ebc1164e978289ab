#pragma once
// Declarative workflows: chains and graphs an operator writes in YAML under
// config/workflows/<name>.yaml, run by the `chain` and `graph` framework plugins. This is the
// file format and its checks; workflow_step.hpp runs one step. Format (README.md here):
//
//   name: prompt-chain            # must match the file name
//   framework: graph              # graph or chain
//   inputs: [{name: request, max_length: 20000}]
//   state: {messages: append}     # reducers (graph); others replace
//   validation: {enabled: true, strict: false}
//   step_limit: 10
//   output: final_response        # the state field answered as text
//   steps:                        # graph nodes, or chain steps in order
//     - name: analyze
//       system_file: prompt_chain/analyze.md   # in config/prompts/<framework>/, or `system:`;
//                                              # used as written
//       user: "Request: {request}"             # a template: {field} of the state
//       provider: "", model: "", temperature: 0.2, max_tokens: 800, timeout_seconds: 15
//       output: {key: analysis, format: json, schema: {required: {intent: string}}}
//   edges:                        # graph only; no edges: the steps in order
//     - {from: START, to: analyze}
//     - {from: analyze, when: [{field: analysis.complexity, equals: simple, to: synthesize}],
//        otherwise: [process, review]}     # a list: those run together (fan-out)

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace workflow {

struct InputSpec {
  std::string name;
  bool required = true;
  std::size_t max_length = 20000;
};

struct OutputSpec {
  std::string key;                                   // state field the step writes
  std::string format = "text";                       // text or json
  nlohmann::json schema = nlohmann::json::object();  // {"required": {field: type}}
};

struct StepSpec {
  std::string name;
  std::string system;    // as written
  std::string user;      // template ({field})
  std::string provider;  // provider instance; empty: the host's default
  std::string model;
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  int timeout_seconds = 0;  // 0: none
  OutputSpec output;
};

struct Condition {
  std::string field;  // dotted path into the state
  std::string op;     // equals, not_equals, in, exists, greater_than, less_than
  nlohmann::json value;
  std::vector<std::string> to;  // one step, or several that run together
};

struct EdgeSpec {
  std::string from;
  std::vector<std::string> to;  // fixed successors
  std::vector<Condition> when;  // the first that holds chooses; else `otherwise`
  std::vector<std::string> otherwise;
};

struct WorkflowSpec {
  std::string name;
  std::string description;
  std::string framework;
  std::vector<InputSpec> inputs;
  std::map<std::string, std::string> reducers;  // key → append | replace
  bool validation_enabled = true;
  bool strict_validation = false;
  int step_limit = 25;
  std::string output;
  std::vector<StepSpec> steps;
  std::vector<EdgeSpec> edges;
};

// Parses and checks one workflow. `prompts_dir` is where `system_file`s are read from.
tl::expected<WorkflowSpec, std::string> parse_workflow(std::string_view yaml_text, const std::string& prompts_dir);
// <dir>/<name>.yaml; `name` must be a plain name ([a-z0-9][a-z0-9_-]*, ≤ 64).
tl::expected<WorkflowSpec, std::string> load_workflow(const std::string& dir, const std::string& name,
                                                      const std::string& prompts_dir);
// Every loadable workflow in `dir` run by `framework`, by name.
std::vector<WorkflowSpec> list_workflows(const std::string& dir, const std::string& framework,
                                         const std::string& prompts_dir);
bool valid_name(std::string_view name);

// The value at a dotted path of `state`, or null when absent.
const nlohmann::json* field_at(const nlohmann::json& state, std::string_view path);
bool condition_holds(const Condition& condition, const nlohmann::json& state);
// The input checked against the spec: {field, message} details for each problem.
nlohmann::json check_inputs(const WorkflowSpec& spec, const nlohmann::json& input);
// Input problems (from check_inputs) in one line: "input.x is required; …".
std::string describe_problems(const nlohmann::json& details);
// The text a run answers: the `output` field of the final state (text as it is, anything
// else as JSON). When a JSON step kept raw text (a gate that only warned), that text.
std::string output_text(const WorkflowSpec& spec, const nlohmann::json& state);
// The state a run starts from: the declared inputs of `input` (nothing else).
nlohmann::json initial_state(const WorkflowSpec& spec, const nlohmann::json& input);
// Why `value` does not match `schema` ({"required": {field: type}}), or nothing.
std::optional<std::string> schema_violation(const nlohmann::json& value, const nlohmann::json& schema);

}  // namespace workflow
