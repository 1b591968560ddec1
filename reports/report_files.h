// Writing a report folder (`alys-sim run|sweep --report DIR`): creates DIR (and its
// parents) if needed and writes each file whole, replacing an older one. Errors name the
// path and the OS's reason; a file is written to "NAME.tmp" then renamed, so a reader (a CI
// uploader, a browser) never sees half a report.
#pragma once

#include <string>
#include <string_view>

#include "core/runtime/status.h"

namespace alys::reports {

Status ensure_report_dir(const std::string& dir);
// REQUIRES: `name` is a plain file name (no '/').
Status write_report_file(const std::string& dir, std::string_view name, std::string_view content);

}  // namespace alys::reports
