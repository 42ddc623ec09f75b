# Per-generator CPack settings: the tarball unpacks to routescope-VERSION-linux-ARCH/{bin,share}, the
# Debian package installs under /usr.
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
endif()
