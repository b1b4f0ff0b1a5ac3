# install_check.cmake - installs the build into a scratch prefix, builds
# tests/consumer against it with find_package(neardup), and runs both of
# its programs on corpus/. Run by CTest:
#   cmake -DBIN=<build dir> -DSRC=<source dir> -DWORK=<scratch> -P this
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()
run(${CMAKE_COMMAND} --install ${BIN} --prefix ${WORK}/prefix)
run(${CMAKE_COMMAND} -S ${SRC}/tests/consumer -B ${WORK}/build
    -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run(${CMAKE_COMMAND} --build ${WORK}/build)
foreach(app app_shared app_static)
  run(${WORK}/build/${app} ${SRC}/corpus ${WORK}/out-${app})
  if(NOT last_output MATCHES "neardup [0-9.]+: 8 clusters")
    message(FATAL_ERROR "${app}: unexpected output: ${last_output}")
  endif()
endforeach()
