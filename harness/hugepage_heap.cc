#include "harness/hugepage_heap.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace alys::harness {

namespace {
constexpr const char* kTunables = "GLIBC_TUNABLES";
constexpr const char* kHugetlb = "glibc.malloc.hugetlb";
constexpr const char* kMarker = "ALYS_HUGEPAGE_HEAP";
}  // namespace

std::optional<std::string> hugepage_heap_tunables(const char* tunables, const char* marker) {
  if (marker != nullptr) return std::nullopt;
  std::string out = tunables != nullptr ? tunables : "";
  if (out.find(kHugetlb) != std::string::npos) return std::nullopt;
  if (!out.empty()) out += ':';
  return out + kHugetlb + "=1";
}

void reexec_with_hugepage_heap(char** argv) {
  const char* current = std::getenv(kTunables);
  const std::optional<std::string> tunables = hugepage_heap_tunables(current, std::getenv(kMarker));
  if (!tunables) return;
  const std::string saved = current != nullptr ? current : "";
  if (setenv(kTunables, tunables->c_str(), 1) != 0 || setenv(kMarker, "1", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Only on failure (no /proc, say): carry on as we are, without the tunable.
  unsetenv(kMarker);
  if (current != nullptr) {
    setenv(kTunables, saved.c_str(), 1);
  } else {
    unsetenv(kTunables);
  }
}

}  // namespace alys::harness
