// A tiny scenario library on disk for the sweep tests: lib/a_quiet.toml passes,
// lib/b_broken.toml fails (a node crashed for good: heads cannot converge). Each fixture
// gets its own folder (its prefix and the process id) and removes it after the test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace alys::harness {

class ScenarioLibraryTest : public ::testing::Test {
 protected:
  explicit ScenarioLibraryTest(std::string prefix) : prefix_(std::move(prefix)) {}
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / (prefix_ + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "lib");
    write("lib/a_quiet.toml", "description = \"quiet\"\nduration = \"40s\"\nsettle = \"10s\"\n"
                              "[nodes]\nauthorities = 3\nfull_nodes = 0\n[workload]\ntx_rate = 1\n");
    write("lib/b_broken.toml", "description = \"broken\"\nduration = \"40s\"\nsettle = \"10s\"\n"
                               "[nodes]\nauthorities = 3\nfull_nodes = 1\n"
                               "[[faults]]\nat = \"10s\"\nkind = \"crash\"\nnode = 3\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string read(const std::string& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string prefix_;
  std::filesystem::path dir_;
};

}  // namespace alys::harness
