// The kernel framework's own primitives: prompt functions render their templates into the
// chat request, native functions call other functions, filters wrap invocations in order and
// may change arguments or short-circuit, chat history grows with each answer.
#include <gtest/gtest.h>

#include "../../plugins/frameworks/kernel/kernel.hpp"
#include "recording_llm.hpp"

namespace {

using namespace switchboard::plugin;

using switchboard::test::RecordingLlm;

TEST(Kernel, PromptFunctionsRenderTheirTemplatesWithTheSettings) {
  RecordingLlm llm;
  kernel::Kernel k(llm, "req_1", "guid_1");
  k.add_plugin("StoryPlugin", {kernel::prompt_function("WriteStory", "You tell stories.",
                                                       "A story of {{$hero}} and {{ $friend }}.", {0.7, 200, "gpt"})});
  auto outcome = k.invoke("StoryPlugin", "WriteStory", {{"hero", "Ada"}, {"friend", "Grace"}});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->text, "re: A story of Ada and Grace.");
  ASSERT_EQ(outcome->steps.size(), 1u);
  EXPECT_EQ(outcome->steps[0].name, "WriteStory");
  EXPECT_EQ(outcome->steps[0].usage.output_tokens, 5);
  ASSERT_EQ(llm.requests.size(), 1u);
  const auto& sent = llm.requests[0];
  ASSERT_EQ(sent.messages.size(), 2u);
  EXPECT_EQ(sent.messages[0].role, "system");
  EXPECT_EQ(sent.temperature, 0.7);
  EXPECT_EQ(sent.max_tokens, 200);
  EXPECT_EQ(sent.model, "gpt");
  EXPECT_EQ(sent.request_id, "req_1");
  EXPECT_EQ(sent.transaction_guid, "guid_1");

  auto missing = k.invoke("StoryPlugin", "WriteStory", {{"hero", "Ada"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 422);
  EXPECT_EQ(llm.requests.size(), 1u);  // nothing sent
  EXPECT_EQ(k.invoke("StoryPlugin", "Nope", {}).error().http_status, 404);
}

TEST(Kernel, NativeFunctionsComposeOtherFunctions) {
  RecordingLlm llm;
  kernel::Kernel k(llm);
  k.add_plugin("Text", {kernel::prompt_function("Shout", "", "{{$input}}!"),
                        kernel::native_function("Twice", [](kernel::Kernel& kernel, const kernel::Arguments& args) {
                          auto first = kernel.invoke("Text", "Shout", args);
                          if (!first) return first;
                          auto second = kernel.invoke("Text", "Shout", {{"input", first->text}});
                          if (!second) return second;
                          second->steps.insert(second->steps.begin(), first->steps.begin(), first->steps.end());
                          return second;
                        })});
  auto outcome = k.invoke("Text", "Twice", {{"input", "hi"}});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->text, "re: re: hi!!");
  EXPECT_EQ(outcome->steps.size(), 2u);
}

TEST(Kernel, FiltersWrapInOrderAndMayChangeArgumentsOrShortCircuit) {
  RecordingLlm llm;
  kernel::Kernel k(llm);
  std::vector<std::string> trace;
  k.add_plugin("P", {kernel::prompt_function("F", "", "{{$x}}")});
  k.add_filter([&](kernel::InvocationContext& context, const std::function<void()>& next) {
    trace.push_back("outer before " + context.plugin + "." + context.function);
    context.arguments["x"] = context.arguments.value("x", std::string()) + "+outer";
    next();
    trace.push_back("outer after");
    if (context.outcome && *context.outcome) (*context.outcome)->text += " [seen]";
  });
  k.add_filter([&](kernel::InvocationContext& context, const std::function<void()>& next) {
    trace.push_back("inner before");
    if (context.arguments["x"] == "blocked+outer") {
      context.outcome = kernel::Outcome(tl::unexpected(TaskError{"BLOCKED", "not allowed", 403}));
      return;  // no next(): the function never runs
    }
    next();
    trace.push_back("inner after");
  });
  auto outcome = k.invoke("P", "F", {{"x", "a"}});
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->text, "re: a+outer [seen]");
  EXPECT_EQ(trace, (std::vector<std::string>{"outer before P.F", "inner before", "inner after", "outer after"}));
  auto blocked = k.invoke("P", "F", {{"x", "blocked"}});
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, "BLOCKED");
  EXPECT_EQ(llm.requests.size(), 1u);
}

TEST(Kernel, ChatHistoryGrowsWithEachAnswerAndErrorsPassThrough) {
  RecordingLlm llm;
  kernel::Kernel k(llm);
  kernel::ChatHistory history;
  history.add_system("Be brief.");
  history.add_user("Hello");
  ASSERT_TRUE(k.chat(history, {}));
  history.add_user("Again");
  ASSERT_TRUE(k.chat(history, {}));
  ASSERT_EQ(history.messages().size(), 5u);
  EXPECT_EQ(history.messages()[2].role, "assistant");
  EXPECT_EQ(llm.requests[1].messages.size(), 4u);  // the whole history was sent
  llm.fail = true;
  auto failed = k.chat(history, {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().http_status, 502);
  EXPECT_EQ(history.messages().size(), 5u);  // nothing appended
}

}  // namespace
