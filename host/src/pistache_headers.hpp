#pragma once
// Works around unsafe typed-header parsing in Debian's Pistache 0.0.5.

namespace switchboard {

// Pistache parses every request's `Cache-Control` into a typed header on the reactor thread:
// a malformed directive (`max-age=oops`) makes it throw, which fails the request, and it
// reads a directive's number with strtol straight from its receive buffer, which has no NUL
// after the value — the ASan build (strict_string_checks, as the asan test preset runs it)
// stopped the server there on a browser's `Cache-Control: max-age=0`. Removing the header
// from Pistache's registry leaves it in the raw header list (which Switchboard reads anyway)
// and skips that parser. Idempotent; call before the listener starts.
void keep_cache_control_raw();

}  // namespace switchboard
