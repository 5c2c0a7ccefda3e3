# The layers' order, checked on the sources: a file of one layer includes headers of its own
# layer and the layers below it only (core < data < model < backends < train < bench < report <
# cli). The link order of the layer libraries already rejects most upward calls; this check also
# catches an upward include of a header-only piece, which links, and says which line it is.
#
#   cmake -DSOURCE_DIR=<repository> -P cmake/check_layers.cmake
set(GCNBENCH_LAYERS core data model backends train bench report cli)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers: pass -DSOURCE_DIR=<the repository>")
endif()

set(violations "")
list(LENGTH GCNBENCH_LAYERS layer_count)
math(EXPR last_layer "${layer_count} - 1")
foreach(index RANGE ${last_layer})
  list(GET GCNBENCH_LAYERS ${index} layer)
  file(GLOB_RECURSE layer_files "${SOURCE_DIR}/src/${layer}/*.cpp" "${SOURCE_DIR}/src/${layer}/*.hpp"
                                "${SOURCE_DIR}/src/${layer}/*.cu" "${SOURCE_DIR}/src/${layer}/*.cuh")
  if(NOT layer_files)
    list(APPEND violations "src/${layer}: the layer has no sources (renamed? update GCNBENCH_LAYERS)")
  endif()
  foreach(file ${layer_files})
    file(STRINGS "${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"[a-z_]+/")
    foreach(line ${includes})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([a-z_]+)/.*" "\\1" included_layer "${line}")
      list(FIND GCNBENCH_LAYERS "${included_layer}" included_index)
      if(included_index GREATER index)
        file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
        list(APPEND violations "${relative}: layer '${layer}' includes from the layer above it, '${included_layer}': ${line}")
      elseif(included_index EQUAL -1)
        file(RELATIVE_PATH relative "${SOURCE_DIR}" "${file}")
        list(APPEND violations "${relative}: '${included_layer}' is no layer: ${line}")
      endif()
    endforeach()
  endforeach()
endforeach()

# Every folder under src/ is a layer: a new one must take its place in the order first.
file(GLOB top_level RELATIVE "${SOURCE_DIR}/src" "${SOURCE_DIR}/src/*")
foreach(entry ${top_level})
  if(IS_DIRECTORY "${SOURCE_DIR}/src/${entry}")
    list(FIND GCNBENCH_LAYERS "${entry}" entry_index)
    if(entry_index EQUAL -1)
      list(APPEND violations "src/${entry}: a folder that is no layer (add it to GCNBENCH_LAYERS in cmake/check_layers.cmake)")
    endif()
  endif()
endforeach()

if(violations)
  list(LENGTH violations violation_count)
  string(REPLACE ";" "\n  " listed "${violations}")
  message(FATAL_ERROR "${violation_count} layering violation(s):\n  ${listed}")
endif()
message(STATUS "layers: every include stays in its layer or goes down")
