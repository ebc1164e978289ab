// The SDK's prompt templates: kernel style {{$var}} and f-string style {var}.
#include <gtest/gtest.h>
#include <switchboard/sdk/prompt_template.hpp>

namespace switchboard::sdk {
namespace {

using nlohmann::json;

TEST(KernelTemplate, RendersVariablesWithOrWithoutSpaces) {
  const json args = {{"hero", "Ada"}, {"friend", "Grace"}, {"count", 3}, {"tags", {"a", "b"}}};
  EXPECT_EQ(*render_kernel_template("{{$hero}} meets {{ $friend }} x{{$count}} {{$tags}}", args),
            "Ada meets Grace x3 [\"a\",\"b\"]");
  EXPECT_EQ(*render_kernel_template("no variables {here} {{ not a var }} {{$}}", args),
            "no variables {here} {{ not a var }} {{$}}");
  EXPECT_EQ(*render_kernel_template("{{$hero}}{{$hero}}", args), "AdaAda");
  EXPECT_EQ(*render_kernel_template("unclosed {{$hero", args), "unclosed {{$hero");
  // Arguments are inserted once, never rendered again.
  EXPECT_EQ(*render_kernel_template("{{$hero}}", {{"hero", "{{$friend}}"}, {"friend", "x"}}), "{{$friend}}");
}

TEST(KernelTemplate, NamesAMissingArgument) {
  auto rendered = render_kernel_template("Hello {{$name}}", json::object());
  ASSERT_FALSE(rendered);
  EXPECT_NE(rendered.error().find("$name"), std::string::npos);
  EXPECT_EQ(kernel_template_variables("{{$a}} {{ $b }} {{$a}} {{c}}"), (std::vector<std::string>{"a", "b"}));
}

TEST(FstringTemplate, RendersVariablesAndLiteralBraces) {
  const json args = {{"topic", "owls"}, {"n", 2}};
  EXPECT_EQ(*render_fstring_template("Tell {n} facts about {topic}. JSON: {{\"k\": 1}}", args),
            "Tell 2 facts about owls. JSON: {\"k\": 1}");
  EXPECT_EQ(*render_fstring_template("{topic}", {{"topic", "{n}"}}), "{n}");  // inserted once
  EXPECT_EQ(fstring_template_variables("{a} {{b}} {c} {a}"), (std::vector<std::string>{"a", "c"}));
}

TEST(FstringTemplate, RefusesUnbalancedBracesAndMissingArguments) {
  for (const char* bad : {"open { brace", "close } brace", "{}", "{bad name}", "{unclosed"}) {
    EXPECT_FALSE(render_fstring_template(bad, {{"unclosed", "x"}})) << bad;
  }
  auto missing = render_fstring_template("about {topic}", json::object());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("{topic}"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::sdk
