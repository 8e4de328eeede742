#ifndef LINKSCOPE_CZLIB_SHIM_H
#define LINKSCOPE_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a function-like macro; Swift needs a real function. */
static inline int shim_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
