#include "jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace auth {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(kAlphabet, 64, c);
    if (!at) return std::nullopt;  // padding and the standard alphabet's +/ are not base64url
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling character: not a whole byte
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest.data(), &length);
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::optional<nlohmann::json> json_object(std::string_view part) {
  auto bytes = from_base64url(part);
  if (!bytes) return std::nullopt;
  auto parsed = nlohmann::json::parse(*bytes, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  return parsed;
}

// The latest time a claim may name: 9999-12-31T23:59:59Z. Past it (1e300, infinity) a time
// is nonsense, and it would overflow whatever converts it.
constexpr double kLatestTime = 253402300799.0;

// "exp", "nbf" and "iat", when present, are JSON numbers of seconds from 1970 to 9999.
bool times_valid(const nlohmann::json& payload) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    const auto claim = payload.find(name);
    if (claim == payload.end()) continue;
    if (!claim->is_number()) return false;
    const double seconds = claim->get<double>();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > kLatestTime) return false;
  }
  return true;
}

bool audience_matches(const nlohmann::json& payload, const std::string& audience) {
  const auto aud = payload.find("aud");
  if (aud == payload.end()) return false;
  if (aud->is_string()) return *aud == audience;
  return aud->is_array() && std::any_of(aud->begin(), aud->end(), [&](const nlohmann::json& each) {
           return each.is_string() && each == audience;
         });
}

std::string optional_text(const nlohmann::json& config, const char* name) {
  const auto value = config.find(name);
  if (value == config.end() || value->is_null()) return {};
  if (!value->is_string() || value->get<std::string>().empty()) {
    throw std::invalid_argument(std::string(name) + " must be a non-empty string");
  }
  return value->get<std::string>();
}

}  // namespace

JwtExpectations jwt_expectations(const nlohmann::json& config) {
  return {optional_text(config, "audience"), optional_text(config, "issuer")};
}

const char* describe(JwtFailure failure) {
  switch (failure) {
    case JwtFailure::malformed:
      return "the bearer token is not a valid JWT";
    case JwtFailure::unsupported_algorithm:
      return "the token's algorithm is not accepted (HS256 only)";
    case JwtFailure::bad_signature:
      return "the token's signature is invalid";
    case JwtFailure::expired:
      return "the token has expired (or carries no exp)";
    case JwtFailure::not_yet_valid:
      return "the token is not valid yet";
    case JwtFailure::invalid_time:
      return "the token's exp, nbf or iat is not a time (seconds from 1970 to 9999)";
    case JwtFailure::wrong_audience:
      return "the token is not meant for this audience";
    case JwtFailure::wrong_issuer:
      return "the token is not from the expected issuer";
  }
  return "invalid token";
}

tl::expected<nlohmann::json, JwtFailure> verify_hs256(std::string_view token, std::string_view secret,
                                                      std::int64_t now_seconds, const JwtExpectations& expectations) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return tl::unexpected(JwtFailure::malformed);
  }
  const auto header = json_object(token.substr(0, first));
  const auto payload = json_object(token.substr(first + 1, second - first - 1));
  const auto signature = from_base64url(token.substr(second + 1));
  if (!header || !payload || !signature) return tl::unexpected(JwtFailure::malformed);
  const auto alg = header->find("alg");
  if (alg == header->end() || *alg != "HS256") return tl::unexpected(JwtFailure::unsupported_algorithm);
  const std::string expected = hmac_sha256(secret, token.substr(0, second));
  if (signature->size() != expected.size() || CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return tl::unexpected(JwtFailure::bad_signature);
  }
  if (!times_valid(*payload)) return tl::unexpected(JwtFailure::invalid_time);
  const auto exp = payload->find("exp");
  if (exp == payload->end() || exp->get<double>() <= static_cast<double>(now_seconds)) {
    return tl::unexpected(JwtFailure::expired);
  }
  const auto nbf = payload->find("nbf");
  if (nbf != payload->end() && nbf->get<double>() > static_cast<double>(now_seconds)) {
    return tl::unexpected(JwtFailure::not_yet_valid);
  }
  if (!expectations.audience.empty() && !audience_matches(*payload, expectations.audience)) {
    return tl::unexpected(JwtFailure::wrong_audience);
  }
  const auto iss = payload->find("iss");
  if (!expectations.issuer.empty() && (iss == payload->end() || *iss != expectations.issuer)) {
    return tl::unexpected(JwtFailure::wrong_issuer);
  }
  return *payload;
}

std::string sign_jwt(const nlohmann::json& payload, std::string_view secret, std::string_view algorithm) {
  const std::string signing_input =
      base64url(nlohmann::json{{"alg", algorithm}, {"typ", "JWT"}}.dump()) + "." + base64url(payload.dump());
  return signing_input + "." + (algorithm == "none" ? "" : base64url(hmac_sha256(secret, signing_input)));
}

}  // namespace auth
