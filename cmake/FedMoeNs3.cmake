# Debian's ns-3, whichever release this is: 3.37 on Debian 12, 3.43 on Debian 13.
# Everything that differs between the two is decided here, once:
#
# - ns-3's package version file accepts only its own exact version, so it is
#   found without one and checked against the oldest release we support;
# - 3.37 exports its modules as ns3::libcore, ns3::libwifi, ...; 3.43 as
#   ns3::core, ns3::wifi, ...: fedmoe_ns3_libraries() maps module names to
#   whichever targets exist;
# - 3.43's headers are C++20 (std::remove_cvref_t in attribute-accessor-helper.h):
#   FEDMOE_CXX_STANDARD is the lowest of 17 and 20 that the installed ns-3
#   headers compile with (checked, not guessed from the version).
#
# Sets ns3_VERSION and FEDMOE_CXX_STANDARD; defines fedmoe_ns3_libraries().

set(FEDMOE_NS3_MIN_VERSION 3.37)
find_package(ns3 REQUIRED)
if(ns3_VERSION VERSION_LESS FEDMOE_NS3_MIN_VERSION)
  message(FATAL_ERROR "ns-3 ${ns3_VERSION} found (${ns3_DIR}); fedmoe needs ns-3 ${FEDMOE_NS3_MIN_VERSION} "
                      "or later (Debian 12's libns3-dev is 3.37, Debian 13's is 3.43)")
endif()

# fedmoe_ns3_libraries(OUT module...): the imported targets of ns-3 modules.
function(fedmoe_ns3_libraries out)
  set(targets)
  foreach(module ${ARGN})
    if(TARGET ns3::lib${module})
      list(APPEND targets ns3::lib${module})
    elseif(TARGET ns3::${module})
      list(APPEND targets ns3::${module})
    else()
      message(FATAL_ERROR "ns-3 ${ns3_VERSION} (${ns3_DIR}) has no module '${module}' "
                          "(neither ns3::lib${module} nor ns3::${module} is exported)")
    endif()
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

fedmoe_ns3_libraries(_fedmoe_ns3_core core)
get_target_property(_fedmoe_ns3_includes ${_fedmoe_ns3_core} INTERFACE_INCLUDE_DIRECTORIES)
include(CheckCXXSourceCompiles)
# Compiles "ns3/core-module.h" as C++<standard>; the result is cached per ns-3
# version, so an upgraded ns-3 is checked anew. Compile only: the headers'
# inline code refers to symbols of libns3-core.
function(fedmoe_ns3_headers_compile standard result)
  set(CMAKE_REQUIRED_INCLUDES ${_fedmoe_ns3_includes})
  set(CMAKE_REQUIRED_FLAGS -std=c++${standard})
  set(CMAKE_REQUIRED_QUIET ON)
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
  set(variable FEDMOE_NS3_${ns3_VERSION}_HEADERS_ARE_CXX${standard})
  check_cxx_source_compiles("#include \"ns3/core-module.h\"\nint main() { return 0; }" ${variable})
  set(${result} ${${variable}} PARENT_SCOPE)
endfunction()
fedmoe_ns3_headers_compile(17 _fedmoe_cxx17)
if(_fedmoe_cxx17)
  set(FEDMOE_CXX_STANDARD 17)
else()
  fedmoe_ns3_headers_compile(20 _fedmoe_cxx20)
  if(NOT _fedmoe_cxx20)
    message(FATAL_ERROR "the headers of ns-3 ${ns3_VERSION} (${_fedmoe_ns3_includes}) compile "
                        "neither as C++17 nor as C++20 with ${CMAKE_CXX_COMPILER}; see "
                        "${CMAKE_BINARY_DIR}/CMakeFiles/CMakeError.log (CMakeConfigureLog.yaml on CMake >= 3.26)")
  endif()
  set(FEDMOE_CXX_STANDARD 20)
endif()
message(STATUS "fedmoe: ns-3 ${ns3_VERSION} (${ns3_DIR}), C++${FEDMOE_CXX_STANDARD}")
