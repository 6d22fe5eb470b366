# Writes OUTPUT, a C++ file defining one NUL-terminated char array per asset, from the
# files named by ASSETS ("Name=path;Name=path"). Bytes are written as hex so that any
# content (quotes, backslashes, raw-string delimiters) compiles unchanged.
set(content "// Generated from src/report/assets/ by embed_assets.cmake; do not edit.\n")
string(APPEND content "namespace leakdbg::report::assets {\n")
foreach(entry ${ASSETS})
  string(REPLACE "=" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 path)
  file(READ "${path}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
  string(APPEND content "extern const unsigned char ${name}[] = {\n${bytes}0x00};\n")
endforeach()
string(APPEND content "}  // namespace leakdbg::report::assets\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
