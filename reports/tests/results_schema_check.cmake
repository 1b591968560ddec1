# ctest driver for the documented results schema (docs/reports/results.schema.json), run as
#   cmake -DMODE=... -DSOURCE=<repo> -DPYTHON=<python3> [-DALYS_SIM=<exe> -DOUT=<dir>] -P this
# MODE=sweep:     a real small sweep with --report OUT; its four files exist, it printed the
#                 report line and the reports timing, and OUT/results.json passes the schema.
# MODE=malformed: the example in docs passes and reports/tests/data/results_malformed.json
#                 fails (exit 1, not 2), with each planted error named by its JSON path, so
#                 the schema check can fail.
set(schema ${SOURCE}/docs/reports/results.schema.json)
set(validate ${SOURCE}/scripts/validate_json_schema.py)

include(${CMAKE_CURRENT_LIST_DIR}/schema_check_common.cmake)

if(MODE STREQUAL "sweep")
  file(REMOVE_RECURSE ${OUT})
  execute_process(COMMAND ${ALYS_SIM} sweep scenarios/sync_only_server_leaves.toml --seeds 1..3 --jobs 2 --quiet
                          --report ${OUT}
                  WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  # 0 or 1: a failing seed is still a report; 2 would be bad input or an unwritable folder.
  if(NOT (rc EQUAL 0 OR rc EQUAL 1))
    message(FATAL_ERROR "alys-sim sweep --report: exit ${rc}\n${out}${err}")
  endif()
  if(NOT out MATCHES "report: ${OUT}/index.html\n")
    message(FATAL_ERROR "no 'report: ${OUT}/index.html' line in:\n${out}")
  endif()
  if(NOT err MATCHES "reports: 4 files, [0-9.]+ [KM]B, [0-9.]+ ms\n")
    message(FATAL_ERROR "no 'reports: 4 files, ...' line on stderr:\n${err}")
  endif()
  foreach(f index.html results.json junit.xml summary.md)
    if(NOT EXISTS ${OUT}/${f})
      message(FATAL_ERROR "--report did not write ${OUT}/${f}")
    endif()
  endforeach()
  validate(${OUT}/results.json 0 out)
elseif(MODE STREQUAL "malformed")
  validate(${SOURCE}/docs/reports/example-results.json 0 out)
  validate(${SOURCE}/reports/tests/data/results_malformed.json 1 out)
  expect_all_in("${out}" "the schema check's report"
                "runs/0/seed: '1' is not of type 'integer'" "runs/1: 'trace_hash' is a required property"
                "runs/1/failures/0/at_ns: 1.5 is not of type 'integer'" "runs/2/verdict: 'maybe' is not one of"
                "shard: 'first' does not match")
else()
  message(FATAL_ERROR "MODE must be sweep or malformed, not '${MODE}'")
endif()
