#include "pistache_request_parser.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

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

// Reads chunked bodies itself (RFC 9112 §7.1) and leaves the rest to Pistache's step.
// Bytes are consumed only once a whole unit (a line, the data, its CRLF) is there: what is
// not consumed stays in the parser's buffer and is seen again with the next read's bytes.
class ChunkSafeBodyStep final : public Private::BodyStep {
 public:
  using BodyStep::BodyStep;

  State apply(Pistache::StreamCursor& cursor) override {
    const auto encoding = message->headers().tryGet<Http::Header::TransferEncoding>();
    if (!encoding || encoding->encoding() != Http::Header::Encoding::Chunked ||
        message->headers().has<Http::Header::ContentLength>()) {
      return BodyStep::apply(cursor);  // Content-Length, no body, or what Pistache refuses
    }
    return read_chunks(cursor);
  }

 private:
  enum class Expect { size_line, data, data_end, trailer };

  State read_chunks(Pistache::StreamCursor& cursor) {
    std::string& body = message->*private_member(PistacheMessageBody{});
    for (;;) {
      const std::string_view bytes(cursor.offset(), cursor.remaining());
      switch (expect_) {
        case Expect::size_line: {
          const auto line = take_line(cursor, bytes);
          if (!line) return State::Again;
          data_left_ = chunk_size(*line);
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

  Expect expect_ = Expect::size_line;
  std::size_t data_left_ = 0;
};

class ChunkSafeRequestParser final : public Http::RequestParser {
 public:
  explicit ChunkSafeRequestParser(std::size_t max_request_bytes) : Http::RequestParser(max_request_bytes) {
    static_assert(StepsCount == 3, "Pistache's request parser has request line, headers and body steps");
    allSteps.back() = std::make_unique<ChunkSafeBodyStep>(&request);
  }

  // Pistache resets a connection's parser after each request and after refusing one (its
  // handler catches what a step throws), but not its body step's counters: after a refused
  // Content-Length body (413) the next request would start from the old one's byte count.
  // A new step (Pistache's has no reset, and copying one copies a field it never set).
  void reset() override {
    Http::RequestParser::reset();
    allSteps.back() = std::make_unique<ChunkSafeBodyStep>(&request);
  }
};

}  // namespace

std::shared_ptr<Pistache::Http::RequestParser> make_request_parser(std::size_t max_request_bytes) {
  return std::make_shared<ChunkSafeRequestParser>(max_request_bytes);
}

}  // namespace switchboard
