#pragma once
// Uploaded context files: the text extracted from each upload, kept until retention removes
// it, for prompts that run with the file as their context. A file belongs to the owner that
// uploaded it (owner.hpp): only that owner finds it.

#include <cstdint>
#include <optional>
#include <string>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct ContextFile {
  std::string id;  // "ctx_" and 32 hex digits, made by the caller
  std::string owner;
  std::string filename;
  std::string file_type;  // txt, md, csv, json, html, pdf
  std::int64_t file_size_bytes = 0;
  std::string content;                        // the extracted text
  std::int64_t processed_content_length = 0;  // characters of `content`
  double processing_time_ms = 0;
  std::string request_id;
  std::string transaction_guid;
  std::string created_at;  // utc_now() when empty
};

class ContextFileRepository {
 public:
  explicit ContextFileRepository(Database& database) : database_(database) {}
  void create(const ContextFile& file);
  std::optional<ContextFile> get(const std::string& id, const std::string& owner);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
