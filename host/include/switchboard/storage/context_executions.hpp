#pragma once
// Prompts run with a document as context (seed 000's ContextPromptExecution): the file, the
// prompts, the answer, timings, tokens and cost; each belongs to its owner (owner.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct ContextExecution {
  std::int64_t id = 0;  // set by the store
  std::string owner;
  std::string original_filename;
  std::string file_type;
  std::int64_t file_size_bytes = 0;
  std::int64_t processed_content_length = 0;
  std::string system_prompt;
  std::string user_prompt;
  std::int64_t final_prompt_length = 0;
  std::string llm_response;
  std::string method;
  std::string provider;
  std::string model;
  double file_processing_time_ms = 0;
  double llm_execution_time_ms = 0;
  double total_execution_time_ms = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cost_nanousd = 0;
  std::string request_id;
  std::string transaction_guid;
  std::string user_ip;
  std::string status = "completed";
  std::string error_message;
  std::string created_at;  // utc_now() when empty
  std::string completed_at;
};

class ContextExecutionRepository {
 public:
  explicit ContextExecutionRepository(Database& database) : database_(database) {}
  std::int64_t create(const ContextExecution& execution);
  std::optional<ContextExecution> get(std::int64_t id, const std::string& owner);
  std::vector<ContextExecution> list(const std::string& owner, int limit, int offset);  // newest first

 private:
  Database& database_;
};

}  // namespace switchboard::storage
