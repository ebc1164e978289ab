#pragma once
// The text operations of seed 002 (/v1/text_processing): what each one is, how a request for
// one is checked, what the model is asked, and — for the structured ones — the JSON Schema its
// answer must validate against and where in the response the answer goes. Pure functions: the
// route (api/text_processing_api.cpp) does the calling.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace switchboard::analysis {

inline constexpr std::size_t kMaxTextCharacters = 10'000;
inline constexpr std::size_t kMaxQuestionCharacters = 2'000;

// A whole-number option of an operation, e.g. summarize's max_length.
struct TextOption {
  const char* name;
  const char* description;
  std::int64_t fallback;  // used when the request leaves it out
  std::int64_t min;
  std::int64_t max;
};

struct TextOperation {
  const char* id;  // summarize, sentiment, key_points, questions, qa
  const char* name;
  const char* description;
  bool requires_question;
  // The response field the answer goes in: "result" (text) or the operation's own field.
  const char* result_field;
  std::vector<TextOption> options;
};

const std::vector<TextOperation>& text_operations();
const TextOperation* find_text_operation(std::string_view id);

// GET /v1/text_processing/operations: id, name, description, requires_question, options.
nlohmann::json text_operations_json();

// One checked request: the operation, its text, the question (qa) and every option of the
// operation with its value (the request's, or the default).
struct TextTask {
  const TextOperation* operation = nullptr;
  std::string text;
  std::string question;
  nlohmann::json options = nlohmann::json::object();
};

// The request as a task, or the problems as [{field, message}] (never empty).
tl::expected<TextTask, nlohmann::json> parse_text_task(const nlohmann::json& body);

// What the model is told to do with the text. For a structured operation this goes out with
// the schema's instructions (analysis::ask_structured); for a text one as the user message.
std::string text_task_prompt(const TextTask& task);
// The system message of a text operation (summarize, qa); empty for structured ones.
std::string text_task_instructions(const TextTask& task);

// The JSON Schema a structured operation's answer validates against (an object, as providers
// with structured outputs require at the root); nothing for text operations.
std::optional<nlohmann::json> text_task_schema(const TextTask& task);
// The answer as the response carries it: the text, or the value of the schema's one field.
nlohmann::json text_task_answer(const TextTask& task, const nlohmann::json& output);

// Unicode code points in UTF-8 text (continuation bytes are not counted).
std::size_t code_points(std::string_view text);
// Words: runs of characters that are not ASCII whitespace.
std::size_t word_count(std::string_view text);

}  // namespace switchboard::analysis
