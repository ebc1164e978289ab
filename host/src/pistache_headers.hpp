#pragma once
// Works around unsafe typed-header parsing in Debian's Pistache 0.0.5.

namespace switchboard {

// Pistache parses every request's `Cache-Control` into a typed header on the reactor thread:
// a malformed directive (`max-age=oops`) makes it throw, which fails the request, and it
// reads a directive's number with strtol straight from its receive buffer, which has no NUL
// after the value — the ASan build (strict_string_checks, as the asan test preset runs it)
// stopped the server there on a browser's `Cache-Control: max-age=0`. Removing the header
// from Pistache's registry leaves it in the raw header list (which Switchboard reads anyway)
// and skips that parser.
// `Content-Length` likewise: Pistache's typed parser read it with stoull, so "abc" became 0
// (the body was then read as the next request), "-1" became 2^64-1 (reserved at once: 500
// with `basic_string::_M_create` in the body) and 20 digits threw out_of_range (500 with
// `stoull`). The request parser's body step reads the raw value itself and refuses what is
// not a number (pistache_request_parser.hpp).
// Idempotent; call before the listener starts.
void keep_headers_raw();

}  // namespace switchboard
