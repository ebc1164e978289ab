#include "text_operations.hpp"

#include <algorithm>

namespace switchboard::analysis {
namespace {

using nlohmann::json;

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::int64_t option(const TextTask& task, const char* name) { return task.options.at(name).get<std::int64_t>(); }

// {"type":"object","required":[field],"properties":{field: a list of 1 to `most` strings}}
json list_schema(const char* field, std::int64_t most) {
  return {{"type", "object"},
          {"required", {field}},
          {"properties",
           {{field,
             {{"type", "array"},
              {"minItems", 1},
              {"maxItems", most},
              {"items", {{"type", "string"}, {"minLength", 1}}}}}}}};
}

}  // namespace

const std::vector<TextOperation>& text_operations() {
  static const std::vector<TextOperation> operations = {
      {"summarize",
       "Summarize",
       "A summary of the text in at most max_length words.",
       false,
       "result",
       {{"max_length", "the longest summary, in words", 100, 10, 500}}},
      {"sentiment",
       "Sentiment analysis",
       "The text's emotional tone: positive, negative or neutral, a confidence from 0 to 1 and why.",
       false,
       "sentiment",
       {}},
      {"key_points",
       "Key points",
       "The text's most important points, at most max_points of them.",
       false,
       "key_points",
       {{"max_points", "the most points to extract", 5, 1, 20}}},
      {"questions",
       "Questions",
       "Questions about the text that it raises or answers, num_questions of them.",
       false,
       "questions",
       {{"num_questions", "how many questions to write", 5, 1, 20}}},
      {"qa", "Question answering", "The answer to `question`, from the text.", true, "result", {}},
  };
  return operations;
}

const TextOperation* find_text_operation(std::string_view id) {
  const auto& operations = text_operations();
  const auto found =
      std::find_if(operations.begin(), operations.end(), [id](const TextOperation& each) { return id == each.id; });
  return found == operations.end() ? nullptr : &*found;
}

json text_operations_json() {
  json out = json::array();
  for (const auto& operation : text_operations()) {
    json options = json::array();
    for (const auto& each : operation.options) {
      options.push_back({{"name", each.name},
                         {"description", each.description},
                         {"type", "integer"},
                         {"default", each.fallback},
                         {"minimum", each.min},
                         {"maximum", each.max}});
    }
    out.push_back({{"id", operation.id},
                   {"name", operation.name},
                   {"description", operation.description},
                   {"requires_question", operation.requires_question},
                   {"result_field", operation.result_field},
                   {"options", options}});
  }
  return out;
}

tl::expected<TextTask, json> parse_text_task(const json& body) {
  json details = json::array();
  auto problem = [&details](std::string field, std::string message) {
    details.push_back({{"field", std::move(field)}, {"message", std::move(message)}});
  };
  TextTask task;
  if (!body.is_object()) {
    problem("", "a JSON object");
    return tl::unexpected(details);
  }
  const auto text = body.find("text");
  if (text == body.end() || !text->is_string() || is_blank(text->get_ref<const std::string&>()) ||
      code_points(text->get_ref<const std::string&>()) > kMaxTextCharacters) {
    problem("text", "text of 1 to 10000 characters, not only whitespace");
  } else {
    task.text = text->get<std::string>();
  }
  const auto operation = body.find("operation");
  if (operation != body.end() && operation->is_string()) {
    task.operation = find_text_operation(operation->get_ref<const std::string&>());
  }
  if (!task.operation) {
    std::string known;
    for (const auto& each : text_operations()) known += (known.empty() ? "" : ", ") + std::string(each.id);
    problem("operation", "one of " + known);
  }
  const auto question = body.find("question");
  const bool has_question = question != body.end() && !question->is_null();
  const bool bad_question =
      has_question &&
      (!question->is_string() || code_points(question->get_ref<const std::string&>()) > kMaxQuestionCharacters);
  if (bad_question) {
    problem("question", "text of at most 2000 characters");
  } else if (has_question) {
    task.question = question->get<std::string>();
  }
  if (task.operation && task.operation->requires_question && !bad_question && is_blank(task.question)) {
    problem("question", std::string("required by the ") + task.operation->id + " operation");
  }
  const json options = body.value("options", json::object());
  if (!options.is_object()) {
    problem("options", "an object");
  } else if (task.operation) {
    for (const auto& [name, value] : options.items()) {
      const auto& known = task.operation->options;
      const auto found =
          std::find_if(known.begin(), known.end(), [&name](const TextOption& each) { return name == each.name; });
      if (found == known.end()) {
        problem("options." + name, std::string("not an option of the ") + task.operation->id + " operation");
      } else if (!value.is_number_integer() || value.get<std::int64_t>() < found->min ||
                 value.get<std::int64_t>() > found->max) {
        problem("options." + name,
                "a whole number from " + std::to_string(found->min) + " to " + std::to_string(found->max));
      }
    }
    for (const auto& each : task.operation->options) task.options[each.name] = options.value(each.name, each.fallback);
  }
  if (!details.empty()) return tl::unexpected(details);
  return task;
}

std::string text_task_instructions(const TextTask& task) {
  const std::string id = task.operation->id;
  if (id == "summarize") {
    return "You summarize texts. Answer with the summary only, in at most " +
           std::to_string(option(task, "max_length")) + " words, in the language of the text.";
  }
  if (id == "qa") {
    return "You answer questions about a text, using only what the text says. If the text does not answer the "
           "question, say so. Answer with the answer only.";
  }
  return "";
}

std::string text_task_prompt(const TextTask& task) {
  const std::string id = task.operation->id;
  const std::string text = "Text:\n<<<\n" + task.text + "\n>>>";
  if (id == "summarize") return "Summarize this text.\n\n" + text;
  if (id == "qa") return "Question: " + task.question + "\n\n" + text;
  if (id == "sentiment") {
    return "Classify the sentiment of this text as positive, negative or neutral, with your confidence from 0 to 1 "
           "and a one-sentence explanation.\n\n" +
           text;
  }
  if (id == "key_points") {
    return "List the key points of this text, at most " + std::to_string(option(task, "max_points")) +
           ", each one short sentence.\n\n" + text;
  }
  return "Write " + std::to_string(option(task, "num_questions")) +
         " questions that this text raises or answers, each one sentence.\n\n" + text;
}

std::optional<json> text_task_schema(const TextTask& task) {
  const std::string id = task.operation->id;
  if (id == "sentiment") {
    return json{{"type", "object"},
                {"required", {"sentiment", "confidence", "explanation"}},
                {"properties",
                 {{"sentiment", {{"type", "string"}, {"enum", {"positive", "negative", "neutral"}}}},
                  {"confidence", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                  {"explanation", {{"type", "string"}}}}}};
  }
  if (id == "key_points") return list_schema("key_points", option(task, "max_points"));
  if (id == "questions") return list_schema("questions", option(task, "num_questions"));
  return std::nullopt;
}

json text_task_answer(const TextTask& task, const json& output) {
  const std::string field = task.operation->result_field;
  if (field == "result" || field == "sentiment") return output;
  return output.is_object() ? output.value(field, json::array()) : json::array();
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::size_t word_count(std::string_view text) {
  std::size_t count = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++count;
    in_word = !space;
  }
  return count;
}

}  // namespace switchboard::analysis
