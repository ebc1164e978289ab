#include <switchboard/storage/chats.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

std::string conversation_columns(Dialect dialect) {
  return "c.id, c.owner, c.title, c.method, c.provider, c.model, c.transaction_guid, " +
         select_time(dialect, "c.created_at") + ", " + select_time(dialect, "c.updated_at") +
         ", (SELECT COUNT(*) FROM chat_messages m WHERE m.conversation_id = c.id)";
}

Conversation conversation_of(const Row& row) {
  return {row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4),
          row.text(5),    row.text(6), row.text(7), row.text(8), row.integer(9)};
}

}  // namespace

std::int64_t ChatRepository::create_conversation(const Conversation& c) {
  const std::string now = c.created_at.empty() ? utc_now() : c.created_at;
  return database_
      .query(
          "INSERT INTO chat_conversations (owner, title, method, provider, model, transaction_guid, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {c.owner, c.title, c.method, nullable(c.provider), nullable(c.model), nullable(c.transaction_guid), now,
           now})[0]
      .integer(0);
}

std::optional<std::int64_t> ChatRepository::add_message(const ChatMessage& m, const std::string& owner) {
  std::optional<std::int64_t> id;
  const std::string now = m.created_at.empty() ? utc_now() : m.created_at;
  database_.transaction([&](Session& session) {
    if (session
            .query("UPDATE chat_conversations SET updated_at = ? WHERE id = ? AND owner = ? RETURNING id",
                   {now, m.conversation_id, owner})
            .empty()) {
      return;
    }
    id = session
             .query(
                 "INSERT INTO chat_messages (conversation_id, role, content, generation_time_ms, input_tokens, "
                 "output_tokens, total_tokens, cost_nanousd, request_id, transaction_guid, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 {m.conversation_id, m.role, m.content, m.generation_time_ms, m.input_tokens, m.output_tokens,
                  m.input_tokens + m.output_tokens, m.cost_nanousd, nullable(m.request_id),
                  nullable(m.transaction_guid), now})[0]
             .integer(0);
  });
  return id;
}

std::optional<Conversation> ChatRepository::conversation(std::int64_t id, const std::string& owner) {
  auto rows = database_.query("SELECT " + conversation_columns(database_.dialect()) +
                                  " FROM chat_conversations c WHERE c.id = ? AND c.owner = ?",
                              {id, owner});
  if (rows.empty()) return std::nullopt;
  return conversation_of(rows[0]);
}

std::vector<Conversation> ChatRepository::conversations(const std::string& owner, int limit, int offset) {
  std::vector<Conversation> out;
  for (const auto& row : database_.query("SELECT " + conversation_columns(database_.dialect()) +
                                             " FROM chat_conversations c WHERE c.owner = ? "
                                             "ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?",
                                         {owner, std::int64_t{limit}, std::int64_t{offset}})) {
    out.push_back(conversation_of(row));
  }
  return out;
}

std::vector<ChatMessage> ChatRepository::messages(std::int64_t conversation_id, const std::string& owner) {
  std::vector<ChatMessage> out;
  for (const auto& row : database_.query(
           "SELECT id, conversation_id, role, content, generation_time_ms, input_tokens, output_tokens, cost_nanousd, "
           "request_id, transaction_guid, " +
               select_time(database_.dialect(), "created_at") +
               " FROM chat_messages WHERE conversation_id = ? AND conversation_id IN "
               "(SELECT id FROM chat_conversations WHERE id = ? AND owner = ?) ORDER BY created_at, id",
           {conversation_id, conversation_id, owner})) {
    out.push_back({row.integer(0), row.integer(1), row.text(2), row.text(3), row.real(4), row.integer(5),
                   row.integer(6), row.integer(7), row.text(8), row.text(9), row.text(10)});
  }
  return out;
}

bool ChatRepository::remove_conversation(std::int64_t id, const std::string& owner) {
  return !database_.query("DELETE FROM chat_conversations WHERE id = ? AND owner = ? RETURNING id", {id, owner})
              .empty();
}

}  // namespace switchboard::storage
