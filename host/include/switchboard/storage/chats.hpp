#pragma once
// Chat conversations and their messages (seed 000's ChatConversation and ChatMessage). A
// message and its conversation's `updated_at` change together; deleting a conversation
// deletes its messages. Conversations belong to their owner (owner.hpp), messages to their
// conversation: every call names the owner, and another owner's conversation is not found.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct Conversation {
  std::int64_t id = 0;  // set by the store
  std::string owner;
  std::string title;
  std::string method;  // the framework
  std::string provider;
  std::string model;
  std::string transaction_guid;
  std::string created_at;
  std::string updated_at;
  std::int64_t message_count = 0;  // filled when read
};

struct ChatMessage {
  std::int64_t id = 0;  // set by the store
  std::int64_t conversation_id = 0;
  std::string role;  // user or assistant
  std::string content;
  double generation_time_ms = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cost_nanousd = 0;
  std::string request_id;
  std::string transaction_guid;
  std::string created_at;  // utc_now() when empty
};

class ChatRepository {
 public:
  explicit ChatRepository(Database& database) : database_(database) {}
  std::int64_t create_conversation(const Conversation& conversation);
  // Adds a message and touches its conversation; nothing when the conversation is gone (or
  // not `owner`'s).
  std::optional<std::int64_t> add_message(const ChatMessage& message, const std::string& owner);
  std::optional<Conversation> conversation(std::int64_t id, const std::string& owner);
  // Most recently updated first.
  std::vector<Conversation> conversations(const std::string& owner, int limit, int offset);
  std::vector<ChatMessage> messages(std::int64_t conversation_id, const std::string& owner);  // oldest first
  bool remove_conversation(std::int64_t id, const std::string& owner);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
