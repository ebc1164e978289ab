#pragma once
// The one spelling of a request path that routing, middleware and every host check see.
// The router ignores empty segments, so `//admin/keys` and `/admin/keys/` reach the same
// route as `/admin/keys`; a check that looked at the raw text (`starts_with("/admin/")`)
// saw a different path than the router and could be walked around. Making the path
// canonical before anything looks at it closes that gap once, for every check.

#include <optional>
#include <string>
#include <string_view>

namespace switchboard {

// `path` with runs of '/' collapsed and a trailing '/' removed ("/" stays "/"), or nothing
// when it cannot be made canonical safely: it does not start with '/', has a dot segment
// ("." or "..", also percent-encoded), an encoded '/' or '\', a backslash, an encoded NUL,
// or a control character. Such a path is refused (400), never guessed at.
std::optional<std::string> canonical_request_path(std::string_view path);

}  // namespace switchboard
