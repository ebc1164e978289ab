// Bearer tokens come from anyone: any bytes must verify or be refused with a reason, never
// crash; what passes carries an expiry after "now".
#include <cstddef>
#include <cstdint>
#include <string>

#include "../../plugins/middleware/auth/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::int64_t kNow = 1'800'000'000;
  const std::string token(reinterpret_cast<const char*>(data), size);
  auto claims = auth::verify_hs256(token, "fuzzing-secret-of-at-least-32-characters", kNow);
  if (claims) {
    const auto exp = claims->find("exp");
    if (exp == claims->end() || !exp->is_number() || exp->get<double>() <= kNow) __builtin_trap();
  } else if (std::string(auth::describe(claims.error())).empty()) {
    __builtin_trap();
  }
  return 0;
}
