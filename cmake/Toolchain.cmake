# Compiler launcher, warnings and sanitizers. Included once from the top-level CMakeLists.

find_program(ALYS_CCACHE ccache)
if(ALYS_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER ${ALYS_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${ALYS_CCACHE})
endif()

# Flags applied only to project targets (never to imported dependencies).
set(ALYS_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
# Not -Wnull-dereference: GCC 12 reports it from inlining decisions at -O3 (a header change
# elsewhere flipped a memcpy into a vector's fresh buffer into a "potential" null), so it
# fails builds without pointing at a bug.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports false positives inside libstdc++ (vector<uint8_t> compares at -O2+:
  # GCC bugs 105329, 105651); they are not about our code, so keep them from -Werror.
  set(ALYS_GCC12_FALSE_POSITIVES -Wno-stringop-overread -Wno-stringop-overflow -Wno-array-bounds
      -Wno-restrict)
  list(APPEND ALYS_WARNING_FLAGS ${ALYS_GCC12_FALSE_POSITIVES})
endif()
if(ALYS_WERROR)
  list(APPEND ALYS_WARNING_FLAGS -Werror)
endif()

if(ALYS_PLANTED_BUGS)
  add_compile_definitions(ALYS_PLANTED_BUGS=1)
endif()

# Profile-guided optimisation (GCC), for the trees scripts/build_pgo.sh makes for long
# sweeps. ALYS_PGO=generate instruments every object and writes profiles to
# ALYS_PGO_PROFILE_DIR when an instrumented program exits; ALYS_PGO=use compiles with
# them and with link-time optimisation. -fprofile-prefix-path strips the build tree from
# each object's path, so the two trees (build/pgo-gen, build/pgo) name an object's profile
# alike. -fprofile-partial-training: code the training never ran (the real node's paths,
# rare faults) keeps normal optimisation instead of being treated as cold.
set(ALYS_PGO "" CACHE STRING "Profile-guided optimisation: empty, generate or use (GCC only)")
set(ALYS_PGO_PROFILE_DIR "" CACHE PATH "Where ALYS_PGO=generate writes profiles and =use reads them")
if(ALYS_PGO)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "ALYS_PGO needs GCC; the compiler is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(NOT IS_ABSOLUTE "${ALYS_PGO_PROFILE_DIR}")
    message(FATAL_ERROR "ALYS_PGO needs ALYS_PGO_PROFILE_DIR, an absolute path (got '${ALYS_PGO_PROFILE_DIR}')")
  endif()
  if(ALYS_PGO STREQUAL "generate")
    add_compile_options(-fprofile-generate=${ALYS_PGO_PROFILE_DIR} -fprofile-update=single
                        -fprofile-prefix-path=${CMAKE_BINARY_DIR})
    add_link_options(-fprofile-generate=${ALYS_PGO_PROFILE_DIR})
  elseif(ALYS_PGO STREQUAL "use")
    add_compile_options(-fprofile-use=${ALYS_PGO_PROFILE_DIR} -fprofile-partial-training
                        -fprofile-correction -Wno-missing-profile
                        -fprofile-prefix-path=${CMAKE_BINARY_DIR})
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
    # The link step compiles again (LTO) and repeats GCC 12's libstdc++ false positives
    # that ALYS_WARNING_FLAGS already keeps quiet at compile time (empty on GCC 13+).
    add_link_options(${ALYS_GCC12_FALSE_POSITIVES})
  else()
    message(FATAL_ERROR "ALYS_PGO must be empty, 'generate' or 'use' (got '${ALYS_PGO}')")
  endif()
endif()

if(ALYS_SANITIZE)
  set(ALYS_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  add_compile_options(${ALYS_SANITIZER_FLAGS})
  add_link_options(${ALYS_SANITIZER_FLAGS})
endif()

# Fuzz targets (ALYS_FUZZ, in the ASan tree that scripts/build.sh asan configures): every
# object gets ASan/UBSan, and the code the fuzzers explore (alys_core and alys_core_base,
# core/CMakeLists.txt) also gets libFuzzer's coverage instrumentation through
# ALYS_FUZZ_COVERAGE_FLAGS; the fuzz executables add -fsanitize=fuzzer
# (core/fuzz/CMakeLists.txt). Tests and the other libraries are not instrumented for
# coverage: nothing reads it there, and it costs a fifth of their compile time. Clang only:
# with any other compiler the option is switched off with a warning. Dependencies are
# prebuilt Debian libraries, so they are not instrumented.
if(ALYS_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(WARNING "ALYS_FUZZ needs Clang (CMAKE_CXX_COMPILER=clang++, CMAKE_C_COMPILER=clang); "
                  "the compiler is ${CMAKE_CXX_COMPILER_ID}, so no fuzz targets are built")
  set(ALYS_FUZZ OFF)
endif()
set(ALYS_FUZZ_COVERAGE_FLAGS)
if(ALYS_FUZZ)
  set(ALYS_FUZZ_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
      -fno-omit-frame-pointer)
  set(ALYS_FUZZ_COVERAGE_FLAGS -fsanitize=fuzzer-no-link)
  add_compile_options(${ALYS_FUZZ_SANITIZER_FLAGS})
  add_link_options(${ALYS_FUZZ_SANITIZER_FLAGS})
endif()
