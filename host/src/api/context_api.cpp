// Context (seed 000): POST /api/context/upload keeps the text of an uploaded file (txt, md,
// csv, json, html or pdf, up to 10 MB); POST /api/context/execute runs a system and a user
// prompt with that text through a framework plugin's `context` task and stores the run. A
// file runs only for the owner that uploaded it (owner.hpp); runs record their owner.
#include <algorithm>
#include <chrono>
#include <optional>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/plugin/middleware.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/request_id.hpp>
#include <switchboard/router.hpp>
#include <switchboard/storage/context_executions.hpp>
#include <switchboard/storage/context_files.hpp>

#include "common.hpp"
#include "context_text.hpp"
#include "multipart.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxFileBytes = 10 * 1024 * 1024;  // the seed's MAX_FILE_SIZE
constexpr std::size_t kMaxFilenameBytes = 255;
constexpr std::size_t kMaxSystemPromptCharacters = 10'000;
constexpr std::size_t kMaxUserPromptCharacters = 50'000;
constexpr std::size_t kMaxFileIdBytes = 64;

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

HttpResponse file_error(const RequestContext& context, const std::string& message) {
  return error_response(422, "VALIDATION_ERROR", message, context.request_id,
                        json::array({{{"field", "file"}, {"message", message}}}));
}

// The name to keep: its last path segment (some clients send whole paths), without control
// characters, at most 255 bytes of whole UTF-8 sequences.
std::string clean_filename(const std::string& raw) {
  const auto slash = raw.find_last_of("/\\");
  std::string name = slash == std::string::npos ? raw : raw.substr(slash + 1);
  std::erase_if(name, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (name.size() > kMaxFilenameBytes) {
    std::size_t cut = kMaxFilenameBytes;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  return name;
}

// A document becomes part of a prompt once it is executed: its text passes the request's
// middleware as a JSON body `{"document": <text>}` would (input-guard's rules, with the
// `document` field's own length limit), so an upload is inspected as a prompt is.
std::optional<HttpResponse> inspect_document(const RequestContext& context, const std::string& text) {
  if (!context.middleware || !context.info) return std::nullopt;
  const std::string body =
      nlohmann::json{{"document", text}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (auto* middleware : *context.middleware) {
    try {
      if (auto reply = middleware->on_body(*context.info, body)) return refusal_response(*reply, context.request_id);
    } catch (const std::exception&) {
      // A failing middleware may be the one that guards the door: fail closed.
      return error_response(500, "INTERNAL_ERROR", "internal error", context.request_id);
    }
  }
  return std::nullopt;
}

HttpResponse upload(App& app, const RequestContext& context) {
  if (!app.database()) return no_store(context);
  const auto started = std::chrono::steady_clock::now();
  const auto boundary = multipart::form_data_boundary(context.request.header("Content-Type").value_or(""));
  if (!boundary) {
    return boundary.error().not_form_data
               ? error_response(415, "UNSUPPORTED_MEDIA_TYPE",
                                "upload the file as multipart/form-data with a part named \"file\"", context.request_id)
               : error_response(400, "INVALID_MULTIPART", boundary.error().message, context.request_id);
  }
  const auto parts = multipart::parse_form_data(context.request.body, *boundary);
  if (!parts) return error_response(400, "INVALID_MULTIPART", parts.error(), context.request_id);
  const auto files = std::count_if(parts->begin(), parts->end(), [](const auto& p) { return p.name == "file"; });
  if (files == 0) return file_error(context, "a part named \"file\" is required");
  if (files > 1) return file_error(context, "exactly one part named \"file\" is allowed");
  const auto& file = *std::find_if(parts->begin(), parts->end(), [](const auto& p) { return p.name == "file"; });
  if (!file.filename) return file_error(context, "the \"file\" part must be a file upload, with a filename");
  const std::string filename = clean_filename(*file.filename);
  if (filename.empty()) return file_error(context, "the file has no name");
  if (!context_text::valid_utf8(filename)) return file_error(context, "the file name must be UTF-8");
  if (file.data.size() > kMaxFileBytes) {
    return error_response(413, "FILE_TOO_LARGE",
                          "the file is " + std::to_string(file.data.size()) + " bytes; the limit is " +
                              std::to_string(kMaxFileBytes) + " bytes (10 MB)",
                          context.request_id);
  }
  if (file.data.empty()) return error_response(422, "EMPTY_FILE", "the file is empty", context.request_id);
  const auto file_type = context_text::file_type_of(filename);
  if (!file_type) {
    return error_response(
        415, "UNSUPPORTED_FILE_TYPE",
        "\"" + filename + "\" is not a supported type (" + std::string(context_text::kSupportedTypes) + ")",
        context.request_id);
  }
  auto text = context_text::extract(*file_type, file.data);
  if (!text) return error_response(422, "UNPROCESSABLE_FILE", text.error(), context.request_id);
  if (auto refusal = inspect_document(context, *text)) return *refusal;

  storage::ContextFile stored;
  stored.id = "ctx_" + new_uuid();
  std::erase(stored.id, '-');
  stored.owner = owner_of(context);
  stored.filename = filename;
  stored.file_type = *file_type;
  stored.file_size_bytes = static_cast<std::int64_t>(file.data.size());
  stored.processed_content_length = static_cast<std::int64_t>(context_text::character_count(*text));
  stored.content = std::move(*text);
  stored.processing_time_ms = ms_since(started);
  stored.request_id = context.request_id;
  stored.transaction_guid = context.transaction_guid;
  storage::ContextFileRepository(*app.database()).create(stored);
  return json_response(200, {{"file_id", stored.id},
                             {"filename", stored.filename},
                             {"file_type", stored.file_type},
                             {"file_size_bytes", stored.file_size_bytes},
                             {"processed_content_length", stored.processed_content_length},
                             {"processing_time_ms", stored.processing_time_ms},
                             {"request_id", context.request_id},
                             {"transaction_guid", context.transaction_guid}});
}

// A required, non-blank text field of at most `max_characters`; pushes a detail when not.
std::string prompt_field(const json& body, const char* field, std::size_t max_characters, json& details) {
  if (!body.contains(field) || !body[field].is_string() ||
      body[field].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) {
    details.push_back({{"field", field}, {"message", "is required and must be non-empty text"}});
    return {};
  }
  auto text = body[field].get<std::string>();
  if (context_text::character_count(text) > max_characters) {
    details.push_back(
        {{"field", field}, {"message", "must be at most " + std::to_string(max_characters) + " characters"}});
  }
  return text;
}

// Frameworks by route name (semantic-kernel), plugin (kernel) or method (semantic_kernel).
const FrameworkStyle* framework_style(const json& body, json& details) {
  if (body.contains("framework") && body["framework"].is_string()) {
    const auto name = body["framework"].get<std::string>();
    for (const auto& style : kFrameworkStyles) {
      if (name == style.path || name == style.plugin || name == style.method) return &style;
    }
  }
  details.push_back({{"field", "framework"}, {"message", "must be one of semantic-kernel, langchain, langgraph"}});
  return nullptr;
}

HttpResponse execute(App& app, const RequestContext& context) {
  if (!app.database()) return no_store(context);
  auto body = json_object_body(context);
  if (!body) return body.error();
  json details = json::array();
  std::string file_id;
  if (!body->contains("file_id") || !(*body)["file_id"].is_string() || (*body)["file_id"].get<std::string>().empty() ||
      (*body)["file_id"].get<std::string>().size() > kMaxFileIdBytes) {
    details.push_back({{"field", "file_id"}, {"message", "is required: the file_id an upload answered"}});
  } else {
    file_id = (*body)["file_id"].get<std::string>();
  }
  const auto system_prompt = prompt_field(*body, "system_prompt", kMaxSystemPromptCharacters, details);
  const auto user_prompt = prompt_field(*body, "user_prompt", kMaxUserPromptCharacters, details);
  const auto* style = framework_style(*body, details);
  if (!details.empty()) {
    return error_response(422, "VALIDATION_ERROR", "invalid context request", context.request_id, details);
  }
  const auto file = storage::ContextFileRepository(*app.database()).get(file_id, owner_of(context));
  if (!file) return error_response(404, "NOT_FOUND", "no context file " + file_id, context.request_id);

  const auto llm_started = std::chrono::steady_clock::now();
  auto result =
      run_framework_task(context, style->plugin, "context",
                         {{"system_prompt", system_prompt}, {"user_prompt", user_prompt}, {"context", file->content}});
  const auto error = result ? json() : json::parse(result.error().body, nullptr, false).value("error", json::object());
  if (!result && error.value("code", "") == "FRAMEWORK_UNAVAILABLE") return result.error();  // nothing ran
  const auto totals = call_totals(context);  // every LLM step the framework took

  storage::ContextExecution run;
  run.owner = owner_of(context);
  run.original_filename = file->filename;
  run.file_type = file->file_type;
  run.file_size_bytes = file->file_size_bytes;
  run.processed_content_length = file->processed_content_length;
  run.system_prompt = system_prompt;
  run.user_prompt = user_prompt;
  run.final_prompt_length = static_cast<std::int64_t>(context_text::character_count(system_prompt) +
                                                      context_text::character_count(user_prompt)) +
                            file->processed_content_length;
  run.method = style->method;
  run.provider = totals.provider;
  run.model = totals.model;
  run.file_processing_time_ms = file->processing_time_ms;
  run.llm_execution_time_ms = ms_since(llm_started);
  run.total_execution_time_ms = file->processing_time_ms + ms_since(context.started);
  run.input_tokens = totals.input_tokens;
  run.output_tokens = totals.output_tokens;
  run.cost_nanousd = totals.cost_nanousd;
  run.request_id = context.request_id;
  run.transaction_guid = context.transaction_guid;
  run.user_ip = context.request.client_ip;
  if (result) {
    run.llm_response = result->text;
  } else {  // a run that failed is kept too, with its reason
    run.status = "failed";
    run.error_message = error.value("message", "");
  }
  run.id = storage::ContextExecutionRepository(*app.database()).create(run);
  if (!result) return result.error();
  return json_response(200, {{"execution_id", run.id},
                             {"response", run.llm_response},
                             {"framework", style->path},
                             {"file_id", file->id},
                             {"provider", run.provider},
                             {"model", run.model},
                             {"file_processing_time_ms", run.file_processing_time_ms},
                             {"llm_execution_time_ms", run.llm_execution_time_ms},
                             {"total_execution_time_ms", run.total_execution_time_ms},
                             {"input_tokens", run.input_tokens},
                             {"output_tokens", run.output_tokens},
                             {"total_tokens", run.input_tokens + run.output_tokens},
                             {"estimated_cost_usd", usd(run.cost_nanousd)},
                             {"request_id", context.request_id},
                             {"transaction_guid", context.transaction_guid}});
}

}  // namespace

void add_context_routes(Router& router, App& app) {
  // Both on the worker pool: extracting a PDF and waiting on the LLM take long.
  router.add(
      "POST", "/api/context/upload",
      [&app](const RequestContext& context, const PathParams&) { return upload(app, context); }, RouteThread::worker);
  router.add(
      "POST", "/api/context/execute",
      [&app](const RequestContext& context, const PathParams&) { return execute(app, context); }, RouteThread::worker);
}

}  // namespace switchboard
