#include "core/config/toml_reader.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace alys::config {

namespace {

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// Appends `text` with control characters escaped (\n, \r, \xNN; tabs kept), so that an error that
// quotes a value or a key holding a newline is still one line: the errors are joined by
// newlines, and a quoted newline followed by "file:" would read as another error.
void append_one_line(std::string& out, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if ((u < 0x20 && c != '\t') || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
}

}  // namespace

void TomlErrors::add_at(const toml::source_region& where, std::string_view path,
                        std::string_view why) {
  std::string line = file_;
  if (where.begin.line > 0) line += fmt::format(":{}:{}", where.begin.line, where.begin.column);
  line += ": ";
  if (!path.empty()) {
    append_one_line(line, path);
    line += ": ";
  }
  append_one_line(line, why);
  lines_.push_back(std::move(line));
}

void TomlErrors::add(const toml::node* where, std::string_view path, std::string_view why) {
  add_at(where != nullptr ? where->source() : toml::source_region{}, path, why);
}

Status TomlErrors::status() const {
  std::string all;
  for (const std::string& l : lines_) {
    if (!all.empty()) all += "\n";
    all += l;
  }
  return Status::invalid_argument(all);
}

Result<toml::table> parse_toml(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    TomlErrors errors(file);
    errors.add_at(e.source(), "", e.description());
    return errors.status();
  }
}

Result<toml::table> parse_toml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid_argument(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::invalid_argument(path + ": cannot read the file");
  return parse_toml(text.str(), path);
}

TomlReader::TomlReader(TomlErrors& errors, const toml::table& table, std::string path)
    : errors_(errors), table_(table), path_(std::move(path)) {}

std::string TomlReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string TomlReader::path_of_index(std::string_view key, std::size_t index) const {
  return fmt::format("{}[{}]", path_of(key), index);
}

const toml::node* TomlReader::node(std::string_view key) {
  known_.emplace(key);
  return table_.get(key);
}

void TomlReader::error(std::string_view key, std::string_view why) {
  errors_.add(table_.get(key), path_of(key), why);
}

void TomlReader::error_at_index(std::string_view key, std::size_t index, std::string_view why) {
  const toml::node* where = table_.get(key);
  if (where != nullptr && where->is_array() && index < where->as_array()->size()) {
    where = where->as_array()->get(index);
  }
  errors_.add(where, path_of_index(key, index), why);
}

bool TomlReader::require(std::string_view key) {
  if (node(key) != nullptr) return true;
  errors_.add(&table_, path_of(key), "missing (required)");
  return false;
}

std::optional<std::string> TomlReader::string(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
  errors_.add(n, path_of(key), fmt::format("expected a string, got {}", type_name(*n)));
  return std::nullopt;
}

std::optional<bool> TomlReader::boolean(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (n->is_boolean()) return n->as_boolean()->get();
  errors_.add(n, path_of(key), fmt::format("expected true or false, got {}", type_name(*n)));
  return std::nullopt;
}

std::optional<std::int64_t> TomlReader::integer(std::string_view key, std::int64_t min,
                                                std::int64_t max) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (!n->is_integer()) {
    errors_.add(n, path_of(key), fmt::format("expected an integer, got {}", type_name(*n)));
    return std::nullopt;
  }
  const std::int64_t v = n->as_integer()->get();
  if (v < min || v > max) {
    errors_.add(n, path_of(key), fmt::format("{} is out of range [{}, {}]", v, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<Duration> TomlReader::duration(std::string_view key, Duration min, Duration max) {
  const toml::node* n = node(key);
  if (n == nullptr) return std::nullopt;
  if (!n->is_string()) {
    errors_.add(n, path_of(key),
                fmt::format("expected a duration string such as \"30s\" or \"10m\", got {}",
                            type_name(*n)));
    return std::nullopt;
  }
  const std::string text = n->as_string()->get();
  const auto d = parse_duration(text);
  if (!d) {
    errors_.add(n, path_of(key),
                fmt::format("'{}' is not a duration (e.g. 500ms, 30s, 10m, 1h30m)", text));
    return std::nullopt;
  }
  if (*d < min || *d > max) {
    errors_.add(n, path_of(key),
                fmt::format("{} is out of range [{}, {}]", text, format_duration(min),
                            max == Duration::max() ? std::string("inf") : format_duration(max)));
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> TomlReader::one_of(std::string_view key,
                                              const std::vector<std::string>& allowed) {
  auto v = string(key);
  if (!v) return std::nullopt;
  for (const std::string& a : allowed) {
    if (*v == a) return v;
  }
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  error(key, fmt::format("'{}' is not one of: {}", *v, list));
  return std::nullopt;
}

const toml::table* TomlReader::table(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  errors_.add(n, path_of(key), fmt::format("expected a table, got {}", type_name(*n)));
  return nullptr;
}

const toml::array* TomlReader::array(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) return nullptr;
  if (const toml::array* a = n->as_array()) return a;
  errors_.add(n, path_of(key), fmt::format("expected an array, got {}", type_name(*n)));
  return nullptr;
}

std::optional<std::vector<std::int64_t>> TomlReader::integers(std::string_view key,
                                                              std::int64_t min,
                                                              std::int64_t max) {
  const toml::array* a = array(key);
  if (a == nullptr) return std::nullopt;
  std::vector<std::int64_t> out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& e = *a->get(i);
    if (!e.is_integer()) {
      errors_.add(&e, path_of_index(key, i), fmt::format("expected an integer, got {}", type_name(e)));
      ok = false;
      continue;
    }
    const std::int64_t v = e.as_integer()->get();
    if (v < min || v > max) {
      errors_.add(&e, path_of_index(key, i), fmt::format("{} is out of range [{}, {}]", v, min, max));
      ok = false;
      continue;
    }
    out.push_back(v);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> TomlReader::strings(std::string_view key) {
  const toml::array* a = array(key);
  if (a == nullptr) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& e = *a->get(i);
    if (!e.is_string()) {
      errors_.add(&e, path_of_index(key, i), fmt::format("expected a string, got {}", type_name(e)));
      ok = false;
      continue;
    }
    out.push_back(e.as_string()->get());
  }
  if (!ok) return std::nullopt;
  return out;
}

void TomlReader::finish() {
  for (auto&& [k, v] : table_) {
    if (known_.count(k.str()) == 0) {
      errors_.add_at(k.source(), path_of(k.str()), "unknown key");
    }
  }
}

}  // namespace alys::config
