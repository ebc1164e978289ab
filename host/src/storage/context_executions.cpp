#include <switchboard/storage/context_executions.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

std::string columns(Dialect d) {
  return "id, original_filename, file_type, file_size_bytes, processed_content_length, system_prompt, user_prompt, "
         "final_prompt_length, llm_response, method, provider, model, file_processing_time_ms, "
         "llm_execution_time_ms, total_execution_time_ms, input_tokens, output_tokens, cost_nanousd, request_id, "
         "transaction_guid, user_ip, status, error_message, " +
         select_time(d, "created_at") + ", " + select_time(d, "completed_at") + ", owner";
}

ContextExecution execution_of(const Row& row) {
  ContextExecution e;
  e.id = row.integer(0);
  e.original_filename = row.text(1);
  e.file_type = row.text(2);
  e.file_size_bytes = row.integer(3);
  e.processed_content_length = row.integer(4);
  e.system_prompt = row.text(5);
  e.user_prompt = row.text(6);
  e.final_prompt_length = row.integer(7);
  e.llm_response = row.text(8);
  e.method = row.text(9);
  e.provider = row.text(10);
  e.model = row.text(11);
  e.file_processing_time_ms = row.real(12);
  e.llm_execution_time_ms = row.real(13);
  e.total_execution_time_ms = row.real(14);
  e.input_tokens = row.integer(15);
  e.output_tokens = row.integer(16);
  e.cost_nanousd = row.integer(17);
  e.request_id = row.text(18);
  e.transaction_guid = row.text(19);
  e.user_ip = row.text(20);
  e.status = row.text(21);
  e.error_message = row.text(22);
  e.created_at = row.text(23);
  e.completed_at = row.text(24);
  e.owner = row.text(25);
  return e;
}

}  // namespace

std::int64_t ContextExecutionRepository::create(const ContextExecution& e) {
  const std::string created = e.created_at.empty() ? utc_now() : e.created_at;
  return database_
      .query(
          "INSERT INTO context_executions (owner, original_filename, file_type, file_size_bytes, "
          "processed_content_length, "
          "system_prompt, user_prompt, final_prompt_length, llm_response, method, provider, model, "
          "file_processing_time_ms, llm_execution_time_ms, total_execution_time_ms, input_tokens, output_tokens, "
          "total_tokens, cost_nanousd, request_id, transaction_guid, user_ip, status, error_message, created_at, "
          "completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "RETURNING id",
          {e.owner,
           e.original_filename,
           e.file_type,
           e.file_size_bytes,
           e.processed_content_length,
           e.system_prompt,
           e.user_prompt,
           e.final_prompt_length,
           nullable(e.llm_response),
           e.method,
           nullable(e.provider),
           nullable(e.model),
           e.file_processing_time_ms,
           e.llm_execution_time_ms,
           e.total_execution_time_ms,
           e.input_tokens,
           e.output_tokens,
           e.input_tokens + e.output_tokens,
           e.cost_nanousd,
           nullable(e.request_id),
           nullable(e.transaction_guid),
           nullable(e.user_ip),
           e.status,
           nullable(e.error_message),
           created,
           e.completed_at.empty() ? Value{created} : Value{e.completed_at}})[0]
      .integer(0);
}

std::optional<ContextExecution> ContextExecutionRepository::get(std::int64_t id, const std::string& owner) {
  auto rows = database_.query(
      "SELECT " + columns(database_.dialect()) + " FROM context_executions WHERE id = ? AND owner = ?", {id, owner});
  if (rows.empty()) return std::nullopt;
  return execution_of(rows[0]);
}

std::vector<ContextExecution> ContextExecutionRepository::list(const std::string& owner, int limit, int offset) {
  std::vector<ContextExecution> out;
  for (const auto& row : database_.query("SELECT " + columns(database_.dialect()) +
                                             " FROM context_executions WHERE owner = ? "
                                             "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                                         {owner, std::int64_t{limit}, std::int64_t{offset}})) {
    out.push_back(execution_of(row));
  }
  return out;
}

}  // namespace switchboard::storage
