# ctest driver for the Chrome-trace schema (docs/reports/trace-event.schema.json), run as
#   cmake -DMODE=... -DSOURCE=<repo> -DPYTHON=<python3> [-DALYS_SIM=<exe> -DOUT=<dir>] -P this
# MODE=replay:    a real run (reports/tests/data/trace_scenario.toml: transfers, a crash, a
#                 clog, a partition) with `alys-sim replay --chrome-trace OUT/trace.json`;
#                 it printed the "chrome trace:" line with nonzero counts, the file holds
#                 slices, flows of both kinds and instants of both scopes, and passes the
#                 schema.
# MODE=malformed: reports/tests/data/trace_malformed.json fails (exit 1, not 2) with each
#                 planted error named by its JSON path (a slice without dur, a flow start
#                 without id, a thread name without args.name, an instant without scope, a
#                 string ts, a string pid, a flow end without bp, an unknown phase), so the
#                 schema check can fail.
set(schema ${SOURCE}/docs/reports/trace-event.schema.json)
set(validate ${SOURCE}/scripts/validate_json_schema.py)

include(${CMAKE_CURRENT_LIST_DIR}/schema_check_common.cmake)

if(MODE STREQUAL "replay")
  file(REMOVE_RECURSE ${OUT})
  file(MAKE_DIRECTORY ${OUT})
  execute_process(COMMAND ${ALYS_SIM} replay reports/tests/data/trace_scenario.toml --seed 1 --log off
                          --chrome-trace ${OUT}/trace.json
                  WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  # 0 or 1: a failing check still writes the trace; 2 would be bad input or an unwritable file.
  if(NOT (rc EQUAL 0 OR rc EQUAL 1))
    message(FATAL_ERROR "alys-sim replay --chrome-trace: exit ${rc}\n${out}${err}")
  endif()
  if(NOT out MATCHES "chrome trace: ${OUT}/trace.json \\([1-9][0-9]* slices, [1-9][0-9]* arrows, [1-9][0-9]* fault marks; [0-9.]+ MB made in [0-9]+ ms\\)\n")
    message(FATAL_ERROR "no 'chrome trace: ... (N slices, N arrows, N fault marks; X MB made in Y ms)' line in:\n${out}")
  endif()
  file(READ ${OUT}/trace.json trace)
  expect_all_in("${trace}" "${OUT}/trace.json"
                "\"ph\":\"X\"" "\"ph\":\"s\",\"name\":\"message\"" "\"ph\":\"s\",\"name\":\"frame\""
                "\"ph\":\"f\",\"bp\":\"e\"" "\"s\":\"p\"" "\"s\":\"g\"" "\"name\":\"thread_name\""
                "\"name\":\"process_name\"")
  validate(${OUT}/trace.json 0 out)
elseif(MODE STREQUAL "malformed")
  validate(${SOURCE}/reports/tests/data/trace_malformed.json 1 out)
  expect_all_in("${out}" "the schema check's report"
                "traceEvents/1: 'dur' is a required property" "traceEvents/2: 'id' is a required property"
                "traceEvents/3/args: 'name' is a required property" "traceEvents/4: 's' is a required property"
                "traceEvents/5/ts: '12.5' is not of type 'number'" "traceEvents/6/pid: '1' is not of type 'integer'"
                "traceEvents/7: 'bp' is a required property" "traceEvents/8/ph: 'B' is not one of")
else()
  message(FATAL_ERROR "MODE must be replay or malformed, not '${MODE}'")
endif()
