// TomlErrors / TomlReader (core/config/toml_reader.h): every error is one line that names the
// file and a line or a key, even when it quotes a value that holds a newline. Regression
// for fuzz_toml's first finding (core/fuzz/corpus/toml/crash_quoted_newline): a multi-line
// string quoted in a duration error split the error over two lines, and the second read as
// an error of its own ("fuzz.tomlLLL...' is not a duration").
#include "core/config/toml_reader.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace alys::config {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(TomlErrors, AQuotedNewlineStaysOnTheErrorsLine) {
  auto doc = parse_toml("multi = \"\"\"\ntwo\nx.toml: forged\"\"\"\n\"key\\u0001\" = 1\n", "x.toml");
  ASSERT_TRUE(doc) << doc.error().to_string();
  TomlErrors errors("x.toml");
  TomlReader r(errors, *doc, "");
  EXPECT_FALSE(r.duration("multi"));
  r.finish();  // "key\x01" is unknown
  ASSERT_FALSE(errors.ok());
  const std::vector<std::string> lines = lines_of(errors.status().message());
  ASSERT_EQ(lines.size(), 2u) << errors.status().message();
  EXPECT_EQ(lines[0], "x.toml:1:9: multi: 'two\\nx.toml: forged' is not a duration (e.g. 500ms, 30s, 10m, 1h30m)");
  EXPECT_EQ(lines[1], "x.toml:4:1: key\\x01: unknown key");
}

TEST(TomlErrors, EveryErrorNamesTheFileAndALineOrAKey) {
  auto doc = parse_toml("a = \"x\"\n[t]\nb = 5\n", "y.toml");
  ASSERT_TRUE(doc);
  TomlErrors errors("y.toml");
  TomlReader root(errors, *doc, "");
  EXPECT_FALSE(root.integer("a", 0, 10));  // a string
  EXPECT_TRUE(root.table("t"));
  TomlReader t(errors, *root.table("t"), "t");
  EXPECT_FALSE(t.integer("b", 0, 4));  // out of range
  EXPECT_FALSE(t.require("c"));
  errors.add(nullptr, "t.d", "no source: the key alone");
  const std::vector<std::string> lines = lines_of(errors.status().message());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "y.toml:1:5: a: expected an integer, got a string");
  EXPECT_EQ(lines[1], "y.toml:3:5: t.b: 5 is out of range [0, 4]");
  EXPECT_TRUE(lines[2].starts_with("y.toml:") && lines[2].ends_with("t.c: missing (required)")) << lines[2];
  EXPECT_EQ(lines[3], "y.toml: t.d: no source: the key alone");
}

TEST(TomlErrors, AParseErrorNamesItsLine) {
  auto doc = parse_toml("a = 1\nb = [1,\n[c\n", "z.toml");
  ASSERT_FALSE(doc);
  EXPECT_TRUE(doc.error().message().starts_with("z.toml:")) << doc.error().message();
  EXPECT_EQ(lines_of(doc.error().message()).size(), 1u) << doc.error().message();
}

}  // namespace
}  // namespace alys::config
