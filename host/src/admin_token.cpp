#include <switchboard/admin_token.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include <openssl/rand.h>

namespace switchboard {
namespace fs = std::filesystem;

tl::expected<AdminToken, std::string> resolve_admin_token(const std::string& configured, const fs::path& data_dir) {
  if (!configured.empty()) return AdminToken{configured, {}, false};
  const fs::path file = data_dir / "admin.token";
  std::error_code error;
  if (fs::exists(file, error)) {
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
      return tl::unexpected("admin token file " + file.string() + " is readable by others; chmod 600 it");
    }
    std::ifstream in(file);
    std::string token;
    std::getline(in, token);
    if (token.size() >= 16) return AdminToken{token, file, false};
    return tl::unexpected("admin token file " + file.string() + " holds no usable token (16+ characters)");
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return tl::unexpected(std::string("no random source for the admin token"));
  static constexpr char hex[] = "0123456789abcdef";
  std::string token = "sbadm_";
  for (unsigned char b : bytes) {
    token.push_back(hex[b >> 4]);
    token.push_back(hex[b & 15]);
  }
  fs::create_directories(data_dir, error);
  // Created with 0600 from the start: the token is never readable by others, not even briefly.
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected("cannot create " + file.string() + ": " + std::strerror(errno));
  std::string line = token + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return tl::unexpected("cannot write " + file.string());
  return AdminToken{token, file, true};
}

}  // namespace switchboard
