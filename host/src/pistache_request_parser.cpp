#include "pistache_request_parser.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <switchboard/error_response.hpp>
#include <switchboard/request_id.hpp>

#include "private_member.hpp"

namespace switchboard {

// A message's body is private to Pistache's own steps (see private_member.hpp).
struct PistacheMessageBody {
  friend auto private_member(PistacheMessageBody);
};
template struct ExposePrivate<PistacheMessageBody, &Pistache::Http::Message::body_>;

namespace {

namespace Http = Pistache::Http;
namespace Private = Http::Private;
using Private::State;

// A chunk-size line (hex digits, then any ";extension") and each trailer line may be this
// long; scanning a line again on each read stays cheap, and nobody needs more.
constexpr std::size_t kMaxLineBytes = 4096;
// 15 hex digits: below 2^60, so no sum of sizes overflows; the request's byte limit is what
// actually bounds a body.
constexpr std::size_t kMaxSizeDigits = 15;
// A body is read into memory as it arrives, never reserved whole from what a client declares.
constexpr std::size_t kMaxReserve = 64 * 1024;

// What a parser's body step needs to refuse a request: where the answer goes, and how to drop
// what the connection sends after it.
struct Refusal {
  bool refused = false;
  RefusalWriter write;
  std::function<void()> drop_buffered;
};

// Content-Length as RFC 9110 §8.6 has it: decimal digits only (optional spaces around).
std::optional<std::size_t> parse_length(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::size_t length = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length, 10);
  if (text.empty() || text.size() > kMaxSizeDigits || error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return length;
}

// Decides about a request once its head is in, then reads its body: Content-Length bodies and
// chunked ones (RFC 9112 §7.1) itself, and leaves the rest to Pistache's step. Chunked bytes
// are consumed only once a whole unit (a line, the data, its CRLF) is there: what is not
// consumed stays in the parser's buffer and is seen again with the next read's bytes.
class ChunkSafeBodyStep final : public Private::BodyStep {
 public:
  ChunkSafeBodyStep(Http::Request* request, std::size_t max_body_bytes, const HeadCheck* check, Refusal* refusal)
      : BodyStep(request), max_body_bytes_(max_body_bytes), check_(check), refusal_(refusal) {}

  State apply(Pistache::StreamCursor& cursor) override {
    if (refusal_->refused || (!admitted_ && !admit())) {
      refusal_->drop_buffered();  // the rest of a refused request is neither kept nor parsed
      return State::Again;
    }
    if (length_) return read_length(cursor);
    if (chunked_) return read_chunks(cursor);
    return BodyStep::apply(cursor);  // no body, or a Transfer-Encoding Pistache refuses
  }

 private:
  enum class Expect { size_line, data, data_end, trailer };

  bool admit() {
    admitted_ = true;
    const auto& headers = message->headers();
    const auto encoding = headers.tryGet<Http::Header::TransferEncoding>();
    if (const auto declared = headers.tryGetRaw("Content-Length")) {
      // Both at once is how requests are smuggled past a proxy that reads the other one.
      if (encoding) return refuse(400, "Content-Length and Transfer-Encoding cannot be sent together");
      length_ = parse_length(declared->value());
      if (!length_) return refuse(400, "Content-Length must be a number of bytes");
      if (*length_ > max_body_bytes_) return refuse_too_large();
    } else {
      chunked_ = encoding && encoding->encoding() == Http::Header::Encoding::Chunked;
    }
    const bool has_body = chunked_ || (length_ && *length_ > 0);
    if (!has_body || !*check_) return true;
    if (auto answer = (*check_)(*static_cast<Http::Request*>(message), length_)) return refuse(std::move(*answer));
    return true;
  }

  bool refuse(HttpResponse answer) {
    refusal_->refused = true;
    if (refusal_->write) refusal_->write(answer);
    return false;
  }

  bool refuse(int status, std::string_view message_text) {
    const auto& headers = message->headers();
    const auto given_id = headers.tryGetRaw("X-Request-ID");
    const std::string id =
        accept_or_generate_request_id(given_id ? std::optional(given_id->value()) : std::optional<std::string>());
    HttpResponse answer =
        error_response(status, status == 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_REQUEST", message_text, id);
    answer.set_header("X-Request-ID", id);
    return refuse(std::move(answer));
  }

  bool refuse_too_large() {
    return refuse(413, "the request body is larger than " + std::to_string(max_body_bytes_) + " bytes");
  }

  State read_length(Pistache::StreamCursor& cursor) {
    std::string& body = message->*private_member(PistacheMessageBody{});
    if (body.empty()) body.reserve(std::min(*length_, kMaxReserve));
    const std::size_t count = std::min(*length_ - body.size(), cursor.remaining());
    body.append(cursor.offset(), count);
    cursor.advance(count);
    return body.size() == *length_ ? State::Done : State::Again;
  }

  State read_chunks(Pistache::StreamCursor& cursor) {
    std::string& body = message->*private_member(PistacheMessageBody{});
    for (;;) {
      const std::string_view bytes(cursor.offset(), cursor.remaining());
      switch (expect_) {
        case Expect::size_line: {
          const auto line = take_line(cursor, bytes);
          if (!line) return State::Again;
          data_left_ = chunk_size(*line);
          if (body.size() + data_left_ > max_body_bytes_) {
            refuse_too_large();
            refusal_->drop_buffered();
            return State::Again;
          }
          expect_ = data_left_ == 0 ? Expect::trailer : Expect::data;
          break;
        }
        case Expect::data: {
          const std::size_t count = std::min(data_left_, bytes.size());
          if (count == 0) return State::Again;
          body.append(bytes.data(), count);
          cursor.advance(count);
          data_left_ -= count;
          if (data_left_ == 0) expect_ = Expect::data_end;
          break;
        }
        case Expect::data_end:
          if (bytes.size() < 2) return State::Again;
          if (bytes.substr(0, 2) != "\r\n") raise("Invalid chunk: its data is not followed by CRLF");
          cursor.advance(2);
          expect_ = Expect::size_line;
          break;
        case Expect::trailer: {  // trailer fields are read past, not kept; an empty line ends them
          const auto line = take_line(cursor, bytes);
          if (!line) return State::Again;
          if (line->empty()) {
            expect_ = Expect::size_line;
            return State::Done;
          }
          break;
        }
      }
    }
  }

  // The next CRLF-terminated line without its CRLF, consumed; nothing until it is all there.
  static std::optional<std::string_view> take_line(Pistache::StreamCursor& cursor, std::string_view bytes) {
    const auto end = bytes.substr(0, kMaxLineBytes + 2).find("\r\n");
    if (end == std::string_view::npos) {
      if (bytes.size() >= kMaxLineBytes + 2) raise("Invalid chunked body: a line is too long");
      return std::nullopt;
    }
    cursor.advance(end + 2);
    return bytes.substr(0, end);
  }

  static std::size_t chunk_size(std::string_view line) {
    auto digits = line.substr(0, line.find(';'));
    while (!digits.empty() && (digits.back() == ' ' || digits.back() == '\t')) digits.remove_suffix(1);
    std::size_t size = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
    if (digits.empty() || digits.size() > kMaxSizeDigits || error != std::errc() ||
        end != digits.data() + digits.size())
      raise("Invalid chunk size");
    return size;
  }

  std::size_t max_body_bytes_;
  const HeadCheck* check_;
  Refusal* refusal_;
  bool admitted_ = false;
  std::optional<std::size_t> length_;
  bool chunked_ = false;
  Expect expect_ = Expect::size_line;
  std::size_t data_left_ = 0;
};

class ChunkSafeRequestParser final : public Http::RequestParser {
 public:
  ChunkSafeRequestParser(std::size_t max_request_bytes, std::size_t max_body_bytes, HeadCheck check,
                         RefusalWriter write)
      : Http::RequestParser(max_request_bytes), max_body_bytes_(max_body_bytes), check_(std::move(check)) {
    static_assert(StepsCount == 3, "Pistache's request parser has request line, headers and body steps");
    refusal.write = std::move(write);
    // Empties the buffer and stays at the body step, whose refusal drops whatever comes next.
    refusal.drop_buffered = [this] {
      ParserBase::reset();
      currentStep = StepsCount - 1;
    };
    allSteps.back() = make_body_step();
  }

  // Pistache resets a connection's parser after each request and after refusing one (its
  // handler catches what a step throws), but not its body step's counters: after a refused
  // Content-Length body (413) the next request would start from the old one's byte count.
  // A new step (Pistache's has no reset, and copying one copies a field it never set).
  // A refusal outlives resets: the connection it was made on is closing.
  void reset() override {
    Http::RequestParser::reset();
    allSteps.back() = make_body_step();
    if (refusal.refused) currentStep = StepsCount - 1;
  }

  Refusal refusal;

 private:
  std::unique_ptr<ChunkSafeBodyStep> make_body_step() {
    return std::make_unique<ChunkSafeBodyStep>(&request, max_body_bytes_, &check_, &refusal);
  }

  std::size_t max_body_bytes_;
  HeadCheck check_;
};

}  // namespace

std::shared_ptr<Pistache::Http::RequestParser> make_request_parser(std::size_t max_request_bytes,
                                                                   std::size_t max_body_bytes, HeadCheck check,
                                                                   RefusalWriter write) {
  return std::make_shared<ChunkSafeRequestParser>(max_request_bytes, max_body_bytes, std::move(check),
                                                  std::move(write));
}

bool refused(Pistache::Http::RequestParser& parser) {
  auto* ours = dynamic_cast<ChunkSafeRequestParser*>(&parser);
  return ours && ours->refusal.refused;
}

}  // namespace switchboard
