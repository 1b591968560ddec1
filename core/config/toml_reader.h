// TomlReader: typed, checked reads of a toml++ table, for loaders whose errors must name
// the file, the line and the key (scenario files, fault schedules, the node's config).
//
//   TomlErrors errors("scenarios/x.toml");
//   TomlReader run(errors, *root, "");               // the document
//   auto seconds = run.duration("duration");          // absent: nullopt; bad: nullopt + error
//   run.finish();                                     // every key not read is an error
//   if (!errors.ok()) return errors.status();         // "x.toml:3:12: run.duration: ..."
//
// Contract:
// - Every getter marks its key as known. Absent key: nullopt and no error (use require()
//   for mandatory keys). Present with the wrong type or out of range: nullopt, and an error
//   naming file:line:column of the value, the full key path and why.
// - finish() reports each key present in the table but never asked for (a typo must not be
//   silently ignored) at its own line.
// - Errors accumulate in TomlErrors (all of them, in document order of discovery), so one
//   run over a file reports every mistake, not only the first. Each error is one line:
//   control characters in a key path or a quoted value are escaped (\n, \xNN).
// - Include only from .cc files: toml++ is a heavy header.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/runtime/status.h"
#include "core/runtime/time.h"

namespace alys::config {

class TomlErrors {
 public:
  explicit TomlErrors(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  // "file:line:col: path: why" (line and column of `where`, when it has a source).
  void add(const toml::node* where, std::string_view path, std::string_view why);
  void add_at(const toml::source_region& where, std::string_view path, std::string_view why);
  bool ok() const { return lines_.empty(); }
  const std::vector<std::string>& lines() const { return lines_; }
  // kInvalidArgument with every line joined by "\n" (REQUIRES: !ok()).
  Status status() const;

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

// Parses `text` (named `file` in errors) as TOML, or the parse error at its line.
Result<toml::table> parse_toml(std::string_view text, const std::string& file);
// Reads and parses the file at `path` (errors name it: missing file, parse error).
Result<toml::table> parse_toml_file(const std::string& path);

class TomlReader {
 public:
  // `path` is the table's key path in the document ("" for the root, "chaos",
  // "faults[2]"); keys read from it are reported as path.key.
  TomlReader(TomlErrors& errors, const toml::table& table, std::string path);

  std::optional<std::string> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  // An integer in [min, max].
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  // A duration string such as "500ms", "30s", "1h30m" (core/runtime/time.h), in [min, max].
  std::optional<Duration> duration(std::string_view key, Duration min = Duration::zero(),
                                   Duration max = Duration::max());
  // A string that must be one of `allowed`.
  std::optional<std::string> one_of(std::string_view key, const std::vector<std::string>& allowed);
  // A sub-table or an array (type-checked); nullptr if absent or of the wrong type.
  const toml::table* table(std::string_view key);
  const toml::array* array(std::string_view key);
  // Integers of an array, each in [min, max]; nullopt if absent or any element is bad.
  std::optional<std::vector<std::int64_t>> integers(std::string_view key, std::int64_t min,
                                                    std::int64_t max);
  std::optional<std::vector<std::string>> strings(std::string_view key);

  bool has(std::string_view key) const { return table_.contains(key); }
  // Errors "missing key" unless present (marks it known).
  bool require(std::string_view key);
  // Reports the keys never asked for. Call once, after every read.
  void finish();

  // For errors about a value the caller judged bad after reading it (an element of an
  // array: located at that element, reported as key[index]).
  void error(std::string_view key, std::string_view why);
  void error_at_index(std::string_view key, std::size_t index, std::string_view why);
  std::string path_of(std::string_view key) const;
  std::string path_of_index(std::string_view key, std::size_t index) const;
  TomlErrors& errors() { return errors_; }

 private:
  const toml::node* node(std::string_view key);

  TomlErrors& errors_;
  const toml::table& table_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace alys::config
