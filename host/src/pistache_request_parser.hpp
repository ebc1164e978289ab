#pragma once
// A request parser for Debian's Pistache 0.0.5 without its chunked-body hang.
//
// Pistache's chunk reader keeps the bytes of a chunk that arrive before the chunk is whole.
// When a read ends exactly one byte past a chunk's data (between the CR and the LF that end
// it, or after one stray byte), it has kept that byte as data, and on the next read it asks
// its cursor to advance by "size minus kept" = -1 bytes: a loop of 2^64 steps on the reactor
// thread, which then serves no connection again. Any client can do that with two TCP
// segments. The parser made here replaces the body step with one that notices that state
// when the next bytes arrive and finishes the chunk correctly (or refuses a chunk whose
// data is not followed by CRLF) before Pistache's step goes on.
//
// The body step also reads Content-Length bodies itself (Pistache's reserved the whole declared
// size at once, and a length of -1 or of 20 digits answered 500 with the C++ library's
// exception text), and it decides about a request before reading its body: a malformed or
// too large Content-Length, or whatever the server's head check refuses (a body larger than
// the route allows, a large body without a valid credential), is answered without reading
// the body: the answer goes to the parser's RefusalWriter (the server writes it and ends the
// connection), and every byte that arrives after it is dropped as it comes, never kept and
// never parsed as a request.
// Only the server's handler (http_server.cpp) and the tests include this header.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>

#include <pistache/http.h>

#include <switchboard/http_types.hpp>

namespace switchboard {

// The server's decision about a request whose line and headers are in and whose body is not:
// nothing to read the body, or the answer that refuses it. `declared_length` is the
// Content-Length (nothing for a chunked body).
using HeadCheck = std::function<std::optional<HttpResponse>(const Pistache::Http::Request& head,
                                                            std::optional<std::size_t> declared_length)>;

// Gets the answer to a request refused before its body, once, on the thread that parses.
using RefusalWriter = std::function<void(const HttpResponse& answer)>;

// Install as a connection's parser (Http::Handler::ParserData) in place of Pistache's own.
// A body larger than `max_body_bytes` is refused with 413 from its Content-Length.
std::shared_ptr<Pistache::Http::RequestParser> make_request_parser(std::size_t max_request_bytes,
                                                                   std::size_t max_body_bytes, HeadCheck check = {},
                                                                   RefusalWriter write = {});

// Whether the parser refused a request before its body (the connection's bytes are dropped from
// then on: a refusal outlives the parser's resets).
bool refused(Pistache::Http::RequestParser& parser);

}  // namespace switchboard
