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
// Only the server's handler (http_server.cpp) and the tests include this header.

#include <cstddef>
#include <memory>

#include <pistache/http.h>

namespace switchboard {

// Install as a connection's parser (Http::Handler::ParserData) in place of Pistache's own.
std::shared_ptr<Pistache::Http::RequestParser> make_request_parser(std::size_t max_request_bytes);

}  // namespace switchboard
