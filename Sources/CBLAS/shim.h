/* pkg-config openblas adds the openblas-pthread include directory. */
#include <cblas.h>
