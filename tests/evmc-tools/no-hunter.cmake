# Loaded by build.sh through CMAKE_PROJECT_INCLUDE_BEFORE: the EVMC trees call
# hunter_add_package(CLI11) and hunter_add_package(GTest) even with HUNTER_ENABLED=OFF.
# Hunter cannot download here; the packages come from Debian (libcli11-dev, libgtest-dev)
# through the trees' own find_package calls, so the macro does nothing.
macro(hunter_add_package)
endmacro()
