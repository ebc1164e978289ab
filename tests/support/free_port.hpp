#pragma once
// A TCP port on 127.0.0.1 that nothing listens on at the moment of asking, for the throwaway
// servers tests start (PostgreSQL, Redis). Throws std::runtime_error when there is none.

namespace switchboard::test {

int free_port();

}  // namespace switchboard::test
