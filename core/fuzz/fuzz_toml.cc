// libFuzzer target: config::parse_toml and config::TomlReader (core/config/toml_reader.h),
// the TOML layer under every config loader (node files, chain specs, scenarios, faults).
// toml++ itself is Debian's prebuilt library, so libFuzzer sees only our side of it: the
// reader's branches, driven by what the document holds.
//
// Checks:
// - a rejected text gives one error at a line: "fuzz.toml:L:C: why";
// - over an accepted document, every key of every table (and of every table in an array)
//   is read with each typed getter on a fresh reader: a getter answers a value exactly when
//   the value has its type (and range), and otherwise adds exactly one error (an array
//   getter: one per bad element), which names the file and a line or the key path;
//   require() of a present key adds nothing, of an absent key one error naming the key;
//   finish() on a reader that read nothing reports each key once as unknown.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/config/toml_reader.h"
#include "core/fuzz/fuzz_util.h"
#include "core/runtime/time.h"

namespace {

using namespace alys;
using config::TomlErrors;
using config::TomlReader;

constexpr const char* kFile = "fuzz.toml";

// Checks that a getter added `expected` errors to `errors` since `before`, each naming a place.
void check_added(const TomlErrors& errors, std::size_t before, std::size_t expected, std::string_view what) {
  const auto& lines = errors.lines();
  FUZZ_CHECK(lines.size() == before + expected,
             fmt::format("toml: {} added {} errors, expected {}", what, lines.size() - before, expected));
  for (std::size_t i = before; i < lines.size(); ++i) {
    FUZZ_CHECK(fuzz::errors_name_place(lines[i], kFile), fmt::format("toml: {}: error names no place: {}", what, lines[i]));
  }
}

// Elements of `a` that are not of type T (and, for integers, out of [min, max]).
template <typename T>
std::size_t bad_elements(const toml::array& a, std::int64_t min = 0, std::int64_t max = 0) {
  std::size_t bad = 0;
  for (const toml::node& e : a) {
    if constexpr (std::is_same_v<T, std::int64_t>) {
      bad += !e.is_integer() || e.as_integer()->get() < min || e.as_integer()->get() > max ? 1 : 0;
    } else {
      bad += e.is_string() ? 0 : 1;
    }
  }
  return bad;
}

void read_every_way(TomlErrors& errors, const toml::table& t, const std::string& path, std::string_view key,
                    const toml::node& n) {
  std::size_t before = errors.lines().size();
  auto text = TomlReader(errors, t, path).string(key);
  FUZZ_CHECK(text.has_value() == n.is_string(), "toml: string() disagrees with the type");
  check_added(errors, before, text ? 0 : 1, "string()");

  before = errors.lines().size();
  auto flag = TomlReader(errors, t, path).boolean(key);
  FUZZ_CHECK(flag.has_value() == n.is_boolean(), "toml: boolean() disagrees with the type");
  check_added(errors, before, flag ? 0 : 1, "boolean()");

  before = errors.lines().size();
  auto number = TomlReader(errors, t, path).integer(key, -1000, 1000);
  const bool in_range = n.is_integer() && n.as_integer()->get() >= -1000 && n.as_integer()->get() <= 1000;
  FUZZ_CHECK(number.has_value() == in_range, "toml: integer() disagrees with the type or range");
  check_added(errors, before, number ? 0 : 1, "integer()");

  before = errors.lines().size();
  auto duration = TomlReader(errors, t, path).duration(key, Duration::zero(), std::chrono::hours(1));
  const auto parsed = n.is_string() ? parse_duration(n.as_string()->get()) : std::nullopt;
  FUZZ_CHECK(duration.has_value() == (parsed && *parsed <= std::chrono::hours(1)), "toml: duration() disagrees");
  check_added(errors, before, duration ? 0 : 1, "duration()");

  before = errors.lines().size();
  auto choice = TomlReader(errors, t, path).one_of(key, {"a", "b"});
  FUZZ_CHECK(choice.has_value() == (n.is_string() && (n.as_string()->get() == "a" || n.as_string()->get() == "b")),
             "toml: one_of() disagrees");
  check_added(errors, before, choice ? 0 : 1, "one_of()");

  before = errors.lines().size();
  const toml::table* table = TomlReader(errors, t, path).table(key);
  FUZZ_CHECK((table != nullptr) == n.is_table(), "toml: table() disagrees with the type");
  check_added(errors, before, table ? 0 : 1, "table()");

  before = errors.lines().size();
  const toml::array* array = TomlReader(errors, t, path).array(key);
  FUZZ_CHECK((array != nullptr) == n.is_array(), "toml: array() disagrees with the type");
  check_added(errors, before, array ? 0 : 1, "array()");

  before = errors.lines().size();
  auto numbers = TomlReader(errors, t, path).integers(key, 0, 100);
  const std::size_t bad_numbers = array ? bad_elements<std::int64_t>(*array, 0, 100) : 1;
  FUZZ_CHECK(numbers.has_value() == (bad_numbers == 0), "toml: integers() disagrees");
  check_added(errors, before, bad_numbers, "integers()");

  before = errors.lines().size();
  auto texts = TomlReader(errors, t, path).strings(key);
  const std::size_t bad_texts = array ? bad_elements<std::string>(*array) : 1;
  FUZZ_CHECK(texts.has_value() == (bad_texts == 0), "toml: strings() disagrees");
  check_added(errors, before, bad_texts, "strings()");

  before = errors.lines().size();
  FUZZ_CHECK(TomlReader(errors, t, path).require(key), "toml: require() of a present key failed");
  check_added(errors, before, 0, "require()");
}

void walk(TomlErrors& errors, const toml::table& t, const std::string& path) {
  for (auto&& [k, n] : t) {
    const std::string key(k.str());
    read_every_way(errors, t, path, key, n);
    const std::string sub = path.empty() ? key : path + "." + key;
    if (const toml::table* inner = n.as_table()) walk(errors, *inner, sub);
    if (const toml::array* a = n.as_array()) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        if (const toml::table* inner = a->get(i)->as_table()) walk(errors, *inner, fmt::format("{}[{}]", sub, i));
      }
    }
  }
  std::size_t before = errors.lines().size();
  const bool absent_found = TomlReader(errors, t, path).require("alys_fuzz_absent_key");
  FUZZ_CHECK(absent_found == t.contains("alys_fuzz_absent_key"), "toml: require() of an absent key");
  check_added(errors, before, absent_found ? 0 : 1, "require(absent)");

  before = errors.lines().size();
  TomlReader(errors, t, path).finish();
  check_added(errors, before, t.size(), "finish()");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc = config::parse_toml(fuzz::input_text(data, size), kFile);
  if (!doc) {
    const std::string& m = doc.error().message();
    FUZZ_CHECK(m.starts_with(std::string(kFile) + ":") && m.size() > 10 && m[10] >= '1' && m[10] <= '9',
               "toml: a parse error names no line: " + m);
    return 0;
  }
  TomlErrors errors(kFile);
  walk(errors, *doc, "");
  return 0;
}
