// Declarative workflows: the YAML format's checks, conditions, output validation gates and
// per-step settings.
#include <gtest/gtest.h>

#include <fstream>

#include "../../plugins/frameworks/workflow/workflow.hpp"
#include "../../plugins/frameworks/workflow/workflow_step.hpp"
#include "recording_llm.hpp"

namespace {

using nlohmann::json;

constexpr const char* kMinimal = R"(
name: two-steps
framework: chain
inputs: [{name: topic, max_length: 10}]
steps:
  - name: draft
    system: "Answer with JSON like {\"a\": 1}"
    user: "Write about {topic}"
    model: small
    temperature: 0.3
    max_tokens: 50
    timeout_seconds: 7
    output: {key: draft, format: json, schema: {required: {title: string, score: number}}}
  - name: polish
    user: "Polish {draft}"
)";

TEST(Workflow, ParsesStepsWithTheirOwnSettings) {
  auto spec = workflow::parse_workflow(kMinimal, "/nonexistent");
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(spec->name, "two-steps");
  EXPECT_EQ(spec->framework, "chain");
  ASSERT_EQ(spec->steps.size(), 2u);
  EXPECT_EQ(spec->steps[0].model, "small");
  EXPECT_DOUBLE_EQ(*spec->steps[0].temperature, 0.3);
  EXPECT_EQ(*spec->steps[0].max_tokens, 50);
  EXPECT_EQ(spec->steps[0].timeout_seconds, 7);
  EXPECT_EQ(spec->steps[0].output.format, "json");
  EXPECT_EQ(spec->steps[1].output.key, "polish");  // defaults to the step name
  EXPECT_EQ(spec->output, "polish");               // defaults to the last step's key
  EXPECT_TRUE(spec->validation_enabled);
  EXPECT_FALSE(spec->strict_validation);
}

TEST(Workflow, RejectsBrokenWorkflowsWithTheReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"name: x\nframework: graph\nsteps: []", "1 to 64 steps"},
      {"name: x\nframework: lisp\nsteps: [{name: a, user: u}]", "graph or chain"},
      {"name: Bad Name\nframework: graph\nsteps: [{name: a, user: u}]", "name must be"},
      {"name: x\nframework: graph\nsteps: [{name: a}]", "\"user\" is required"},
      {"name: x\nframework: graph\nsteps: [{name: a, user: u}, {name: a, user: v}]", "two steps"},
      {"name: x\nframework: graph\nsteps: [{name: a, user: u, temperature: 9}]", "temperature"},
      {"name: x\nframework: graph\nsteps: [{name: a, user: u, system_file: ../../etc/passwd}]", "inside the prompts"},
      {"name: x\nframework: graph\nsteps: [{name: a, user: u, output: {format: xml}}]", "text or json"},
      {"name: x\nframework: graph\nsteps: [{name: a, user: u}]\nedges: [{from: a}]", "needs \"to\" or \"when\""},
      {"name: x\nframework: graph\nsteps: [{name: a, user: u}]\nedges: [{from: a, when: [{field: f, to: b}]}]",
       "needs one of"},
      {"name: x\nframework: chain\nsteps: [{name: a, user: u}]\nedges: [{from: START, to: a}]", "no edges"},
      {"[unclosed", "not YAML"},
      {"just text", "a workflow is a map"},
  };
  for (const auto& [yaml, reason] : cases) {
    auto spec = workflow::parse_workflow(yaml, "/nonexistent");
    ASSERT_FALSE(spec) << yaml;
    EXPECT_NE(spec.error().find(reason), std::string::npos) << yaml << " → " << spec.error();
  }
}

TEST(Workflow, ReadsSystemPromptsFromThePromptsFolderAndChecksTheFileName) {
  const auto dir = std::filesystem::temp_directory_path() / ("workflow_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "prompts" / "nested");
  std::ofstream(dir / "prompts" / "nested" / "sys.md") << "You are {careful}.";
  std::ofstream(dir / "flow.yaml")
      << "name: flow\nframework: graph\nsteps: [{name: a, user: u, system_file: nested/sys.md}]\n";
  std::ofstream(dir / "other.yaml") << "name: not-other\nframework: graph\nsteps: [{name: a, user: u}]\n";
  auto spec = workflow::load_workflow(dir.string(), "flow", (dir / "prompts").string());
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(spec->steps[0].system, "You are {careful}.");
  EXPECT_FALSE(workflow::load_workflow(dir.string(), "other", (dir / "prompts").string()));  // name mismatch
  EXPECT_FALSE(workflow::load_workflow(dir.string(), "../flow", (dir / "prompts").string()));
  EXPECT_FALSE(workflow::load_workflow(dir.string(), "missing", (dir / "prompts").string()));
  const auto listed = workflow::list_workflows(dir.string(), "graph", (dir / "prompts").string());
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "flow");
  std::filesystem::remove_all(dir);
}

TEST(Workflow, ConditionsReadDottedFieldsOfTheState) {
  const json state = {{"analysis", {{"complexity", "simple"}, {"score", 0.4}}}, {"tags", json::array({"a"})}};
  auto holds = [&](std::string field, std::string op, json value) {
    return workflow::condition_holds({std::move(field), std::move(op), std::move(value), {"x"}}, state);
  };
  EXPECT_TRUE(holds("analysis.complexity", "equals", "simple"));
  EXPECT_FALSE(holds("analysis.complexity", "equals", "complex"));
  EXPECT_TRUE(holds("analysis.complexity", "not_equals", "complex"));
  EXPECT_TRUE(holds("analysis.complexity", "in", json::array({"moderate", "simple"})));
  EXPECT_TRUE(holds("analysis.score", "less_than", 0.5));
  EXPECT_FALSE(holds("analysis.score", "greater_than", 0.5));
  EXPECT_TRUE(holds("tags", "exists", true));
  EXPECT_TRUE(holds("analysis.missing", "exists", false));
  EXPECT_FALSE(holds("analysis.missing", "equals", "simple"));
  EXPECT_FALSE(holds("analysis.complexity.deeper", "exists", true));
}

TEST(Workflow, InputsAreCheckedAndOnlyDeclaredOnesEnterTheState) {
  auto spec = workflow::parse_workflow(kMinimal, "/nonexistent");
  ASSERT_TRUE(spec);
  EXPECT_EQ(workflow::check_inputs(*spec, {{"topic", "owls"}}).size(), 0u);
  EXPECT_EQ(workflow::check_inputs(*spec, json::object())[0]["field"], "input.topic");
  EXPECT_EQ(workflow::check_inputs(*spec, {{"topic", "far too long a topic"}}).size(), 1u);
  EXPECT_EQ(workflow::check_inputs(*spec, {{"topic", 5}}).size(), 1u);
  EXPECT_EQ(workflow::initial_state(*spec, {{"topic", "owls"}, {"step_metadata", "sneaky"}}),
            json({{"topic", "owls"}}));
}

class WorkflowStep : public ::testing::Test {
 protected:
  workflow::WorkflowSpec spec = *workflow::parse_workflow(kMinimal, "/nonexistent");
  switchboard::test::RecordingLlm llm;
  workflow::StepCall call{llm, "req", "tx"};
};

TEST_F(WorkflowStep, SendsTheStepsSettingsAndTimeout) {
  llm.answer = R"({"title": "Owls", "score": 3})";
  auto out = workflow::run_step(spec, spec.steps[0], {{"topic", "owls"}}, call);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(llm.requests.size(), 1u);
  const auto& request = llm.requests[0];
  EXPECT_EQ(request.model, "small");
  EXPECT_DOUBLE_EQ(*request.temperature, 0.3);
  EXPECT_EQ(*request.max_tokens, 50);
  EXPECT_EQ(request.extra["timeout_ms"], 7000);
  EXPECT_EQ(request.messages[0].content, "Answer with JSON like {\"a\": 1}");  // system: as written
  EXPECT_EQ(request.messages[1].content, "Write about owls");
  EXPECT_EQ(out->value, json({{"title", "Owls"}, {"score", 3}}));
  EXPECT_TRUE(out->metadata["warnings"].empty());
}

TEST_F(WorkflowStep, ValidationGatesWarnOrFail) {
  llm.answer = R"(```json
{"title": "Owls"}
```)";  // fenced, and "score" is missing
  auto warned = workflow::run_step(spec, spec.steps[0], {{"topic", "owls"}}, call);
  ASSERT_TRUE(warned);
  EXPECT_EQ(warned->value["title"], "Owls");
  ASSERT_EQ(warned->metadata["warnings"].size(), 1u);
  EXPECT_NE(warned->metadata["warnings"][0].get<std::string>().find("\"score\" is missing"), std::string::npos);

  spec.strict_validation = true;
  auto failed = workflow::run_step(spec, spec.steps[0], {{"topic", "owls"}}, call);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "VALIDATION_FAILED");

  spec.validation_enabled = false;  // no gate: kept as it came
  auto unchecked = workflow::run_step(spec, spec.steps[0], {{"topic", "owls"}}, call);
  ASSERT_TRUE(unchecked);
  EXPECT_TRUE(unchecked->metadata["warnings"].empty());

  llm.answer = "not json at all";
  spec.validation_enabled = true;
  auto not_json = workflow::run_step(spec, spec.steps[0], {{"topic", "owls"}}, call);
  ASSERT_FALSE(not_json);
  EXPECT_NE(not_json.error().message.find("not JSON"), std::string::npos);
}

TEST_F(WorkflowStep, ATimeoutSaysWhichPhaseRanOutOfTime) {
  class SlowLlm final : public switchboard::plugin::LlmClient {
   public:
    tl::expected<switchboard::plugin::ChatResult, switchboard::plugin::LlmError> complete(
        const switchboard::plugin::ChatRequest&) override {
      return tl::unexpected(switchboard::plugin::LlmError{"TIMEOUT", "provider did not answer", 504});
    }
    tl::expected<switchboard::plugin::ChatResult, switchboard::plugin::LlmError> stream(
        const switchboard::plugin::ChatRequest& r, const switchboard::plugin::ChunkCallback&) override {
      return complete(r);
    }
  } slow;
  auto out = workflow::run_step(spec, spec.steps[0], {{"topic", "owls"}}, {slow, "req", "tx"});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().http_status, 504);
  EXPECT_EQ(out.error().message, "Operation timed out during draft phase after 7s");
}

TEST_F(WorkflowStep, AMissingStateFieldIsAValidationError) {
  auto out = workflow::run_step(spec, spec.steps[1], json::object(), call);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().http_status, 422);
  EXPECT_TRUE(llm.requests.empty());
}

}  // namespace
