// Header-only module; SwiftPM needs one C source file in a C target.
#include "CLinux.h"
