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
  expired,         // "exp" missing or not after `now`
  not_yet_valid,   // "nbf" after `now`
  invalid_time,    // "exp", "nbf" or "iat" not a number of seconds from 1970 to 9999
  wrong_audience,  // "aud" does not name the expected audience
  wrong_issuer,    // "iss" is not the expected issuer
};
const char* describe(JwtFailure failure);

// What a token must also say, when set: the `auth` plugin's `audience` and `issuer`.
struct JwtExpectations {
  std::string audience;  // "aud" must be it, or a list holding it
  std::string issuer;    // "iss" must be it
};

// The expectations in the `auth` plugin's configuration; std::invalid_argument when
// `audience` or `issuer` is there but not a non-empty string.
JwtExpectations jwt_expectations(const nlohmann::json& config);

// The payload of `token` when it is a well-formed HS256 token signed with `secret`, valid at
// `now_seconds` (Unix time), for `expectations`' audience and from its issuer.
tl::expected<nlohmann::json, JwtFailure> verify_hs256(std::string_view token, std::string_view secret,
                                                      std::int64_t now_seconds,
                                                      const JwtExpectations& expectations = {});

// A token for `payload` signed with `secret` under `algorithm` (tests sign with what they
// need, including algorithms the verifier refuses).
std::string sign_jwt(const nlohmann::json& payload, std::string_view secret, std::string_view algorithm = "HS256");

}  // namespace auth
