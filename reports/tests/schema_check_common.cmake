# Shared by the schema ctest drivers (results_schema_check.cmake, trace_schema_check.cmake),
# which set `schema` and `validate` (scripts/validate_json_schema.py) first.

# Runs the validator on `file`; fails the test unless it exits `expect_rc` (0 valid,
# 1 invalid); its report goes to `out_var`.
function(validate file expect_rc out_var)
  execute_process(COMMAND ${PYTHON} ${validate} ${schema} ${file}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "validate ${file}: exit ${rc}, expected ${expect_rc}\n${out}${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Fails the test unless `text` contains every one of the remaining arguments; `what` names
# the text in the message.
function(expect_all_in text what)
  foreach(want IN LISTS ARGN)
    string(FIND "${text}" "${want}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${what} has no \"${want}\":\n${text}")
    endif()
  endforeach()
endfunction()
