#include "runtime-real/os_random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace alys::real {

Status os_entropy(void* out, std::size_t size) {
  auto* p = static_cast<unsigned char*>(out);
  while (size > 0) {
    const ssize_t n = getrandom(p, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::io_error(std::string("getrandom: ") + std::strerror(errno));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return Status::ok();
}

namespace {
std::uint64_t entropy_seed() {
  std::uint64_t seed = 0;
  const Status s = os_entropy(&seed, sizeof seed);
  ALYS_ASSERT(s.is_ok(), "OsRandom: no OS entropy");
  return seed;
}
}  // namespace

OsRandom::OsRandom() : counter_(entropy_seed()) {}

}  // namespace alys::real
