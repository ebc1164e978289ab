#pragma once
// Tenant isolation: who owns what a request stores, and so what it may read, list, change,
// delete, resume and report on. Every stored object records its owner and every repository
// query of the API filters by it: another owner's object is not found (404, never 403, so
// its existence is not revealed). The owner of a request, from its principal:
//   an API key of a team    → "team:<team>"  (the keys of one team share their objects)
//   an API key without team → "key:<id>"
//   a JWT                   → "jwt:<issuer>:<sub>"  (the `auth` plugin puts `iss` in the
//                             principal's name; a `:` or `%` in the issuer is %-escaped, so
//                             no two issuer and subject pairs make the same owner)
//   no principal            → ""  (single-user mode: no authenticating middleware)
// A request run for a stored object's owner (an asynchronous job) carries that owner
// instead (RequestContext::owner). The admin API (/admin/…) is not filtered.

#include <string>

namespace switchboard {

struct RequestContext;

std::string owner_of(const RequestContext& context);

}  // namespace switchboard
