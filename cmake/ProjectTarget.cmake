# Helpers that give every project target the same include root and warnings.

# alys_apply_defaults(target): includes from the repo root ("core/runtime/env.h"),
# warnings (as errors unless ALYS_WERROR=OFF).
function(alys_apply_defaults target)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(${target} PRIVATE ${ALYS_WARNING_FLAGS})
endfunction()

# alys_library(name DIR dir [DIRS more...] [EXCLUDE regex] DEPS ...): static library from
# every .cc under the dirs except tests/, bench/, fuzz/ and paths matching EXCLUDE. Globbing
# keeps parallel work on sibling folders collision-free.
function(alys_library name)
  cmake_parse_arguments(ARG "" "DIR;EXCLUDE" "DIRS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(srcs)
  foreach(dir IN LISTS ARG_DIR ARG_DIRS)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS ${dir}/*.cc)
    list(APPEND srcs ${found})
  endforeach()
  list(FILTER srcs EXCLUDE REGEX "/(tests|bench|fuzz)/")
  list(FILTER srcs EXCLUDE REGEX "/main\\.cc$")
  if(ARG_EXCLUDE)
    list(FILTER srcs EXCLUDE REGEX "${ARG_EXCLUDE}")
  endif()
  add_library(${name} STATIC ${srcs})
  alys_apply_defaults(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# Test sources are mostly gtest/RapidCheck templates: optimizing them hard costs compile
# time and buys nothing, as the code under test lives in the libraries, which keep the build
# type's level (network_frame_codec_test.cc: 22.6 s at -O3, 14.9 s at -O1; scenarios_tests
# cold: 90 s against 74 s). Not -O0: inline functions the tests instantiate are merged with
# the libraries' copies at link time, and the linker may keep the test's; at -O0 that made
# the two-hour peg-out scenario test run 2.2x slower, at -O1 it runs as fast as at -O3.
# Empty: tests compile like everything else.
set(ALYS_TEST_OPT_FLAGS "-O1" CACHE STRING "Extra compile flags for test sources")

# alys_test(name DIR dir [WHOLE_RUNS] DEPS ...): one gtest binary from dir/*.cc, registered
# with ctest. WHOLE_RUNS marks a binary that runs whole simulated networks: it is compiled at
# -O1 whatever ALYS_TEST_OPT_FLAGS says, because its speed is the libraries' inline code it
# shares (under ASan, -O0 made scenarios_tests 1.9x slower: 196 s of tests became 367 s).
function(alys_test name)
  if(NOT ALYS_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "WHOLE_RUNS" "DIR" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${ARG_DIR}/*.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  alys_apply_defaults(${name})
  if(ARG_WHOLE_RUNS)
    target_compile_options(${name} PRIVATE -O1)
  else()
    target_compile_options(${name} PRIVATE ${ALYS_TEST_OPT_FLAGS})
  endif()
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main
                        rapidcheck rapidcheck_gtest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endfunction()

# alys_fuzz_targets(DIR dir DEPS ...): one libFuzzer executable per dir/fuzz_*.cc, named
# after its file, compiled and linked with -fsanitize=fuzzer (which adds libFuzzer's main)
# and DEPS, and added to `alys_fuzzers` (core/fuzz/CMakeLists.txt). Only called when
# ALYS_FUZZ is ON, i.e. with Clang (cmake/Toolchain.cmake). The code under test needs
# ALYS_FUZZ_COVERAGE_FLAGS wherever it is compiled, or libFuzzer runs blind there.
function(alys_fuzz_targets)
  cmake_parse_arguments(ARG "" "DIR" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${ARG_DIR}/fuzz_*.cc)
  foreach(src IN LISTS srcs)
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    alys_apply_defaults(${name})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    add_dependencies(alys_fuzzers ${name})
  endforeach()
endfunction()
