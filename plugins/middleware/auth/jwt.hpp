#pragma once
// JSON Web Tokens signed with HS256 (RFC 7519 / 7515): the one algorithm `auth` accepts. A
// token whose header names any other algorithm (`none`, RS256, …) is refused before its
// signature is looked at, so a token cannot choose how it is checked.

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace auth {

enum class JwtFailure {
  malformed,              // not three base64url parts of JSON objects
  unsupported_algorithm,  // "alg" is not HS256
  bad_signature,
  expired,        // "exp" missing, not a number, or not after `now`
  not_yet_valid,  // "nbf" after `now`
};
const char* describe(JwtFailure failure);

// The payload of `token` when it is a well-formed HS256 token signed with `secret`, not
// expired at `now_seconds` (Unix time).
tl::expected<nlohmann::json, JwtFailure> verify_hs256(std::string_view token, std::string_view secret,
                                                      std::int64_t now_seconds);

// A token for `payload` signed with `secret` under `algorithm` (tests sign with what they
// need, including algorithms the verifier refuses).
std::string sign_jwt(const nlohmann::json& payload, std::string_view secret, std::string_view algorithm = "HS256");

}  // namespace auth
