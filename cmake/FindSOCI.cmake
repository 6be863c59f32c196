# SPDX-License-Identifier: GPL-3.0-or-later
# Finds SOCI (Debian 12 ships 4.0.3 without a CMake package config).
# Components: sqlite3 postgresql. Defines SOCI::core and SOCI::<component>.
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)
set(SOCI_VERSION "")
if(SOCI_INCLUDE_DIR AND EXISTS "${SOCI_INCLUDE_DIR}/soci/version.h")
    file(STRINGS "${SOCI_INCLUDE_DIR}/soci/version.h" _v REGEX "#define SOCI_LIB_VERSION \"")
    string(REGEX REPLACE ".*\"([0-9_]+)\".*" "\\1" SOCI_VERSION "${_v}")
    string(REPLACE "_" "." SOCI_VERSION "${SOCI_VERSION}")
endif()
foreach(c ${SOCI_FIND_COMPONENTS})
    find_library(SOCI_${c}_LIBRARY NAMES soci_${c})
    if(SOCI_${c}_LIBRARY)
        set(SOCI_${c}_FOUND TRUE)
    endif()
endforeach()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_CORE_LIBRARY SOCI_INCLUDE_DIR
    VERSION_VAR SOCI_VERSION HANDLE_COMPONENTS)
if(SOCI_FOUND AND NOT TARGET SOCI::core)
    add_library(SOCI::core UNKNOWN IMPORTED)
    set_target_properties(SOCI::core PROPERTIES IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}" INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
    foreach(c ${SOCI_FIND_COMPONENTS})
        if(SOCI_${c}_FOUND)
            add_library(SOCI::${c} UNKNOWN IMPORTED)
            set_target_properties(SOCI::${c} PROPERTIES IMPORTED_LOCATION "${SOCI_${c}_LIBRARY}"
                INTERFACE_LINK_LIBRARIES SOCI::core)
        endif()
    endforeach()
endif()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
