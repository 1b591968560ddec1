#include "reports/report_files.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/runtime/assert.h"

namespace alys::reports {

Status ensure_report_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error("report folder " + dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dir, ec))
    return Status::io_error("report folder " + dir + ": not a directory");
  return Status::ok();
}

Status write_report_file(const std::string& dir, std::string_view name, std::string_view content) {
  ALYS_ASSERT(name.find('/') == std::string_view::npos, "write_report_file: a plain file name");
  if (Status s = ensure_report_dir(dir); !s.is_ok()) return s;
  const std::filesystem::path path = std::filesystem::path(dir) / std::string(name);
  const std::filesystem::path tmp = std::filesystem::path(path).concat(".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::io_error("cannot write " + tmp.string());
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) return Status::io_error("write failed: " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::io_error("cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
  return Status::ok();
}

}  // namespace alys::reports
