#pragma once
// Request ids and transaction GUIDs. A client's X-Request-ID is kept when it is sane
// (1–128 characters of [A-Za-z0-9._:-]) so ids correlate across systems; anything else is
// replaced, so a hostile id can never inject into logs or headers.

#include <optional>
#include <string>
#include <string_view>

namespace switchboard {

bool is_acceptable_request_id(std::string_view id) noexcept;
// The client's id when acceptable, otherwise a fresh "req_<32 hex>".
std::string accept_or_generate_request_id(const std::optional<std::string>& from_client);
// A random (version 4) UUID in canonical lower-case form.
std::string new_uuid();

}  // namespace switchboard
