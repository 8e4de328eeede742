/* Open MPI's handles are macros casting the address of incomplete globals; Swift cannot see them, so
   these inline functions hand them over. */
#include <mpi.h>
static inline MPI_Comm     shim_MPI_COMM_WORLD(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype shim_MPI_FLOAT(void)      { return MPI_FLOAT; }
static inline MPI_Datatype shim_MPI_DOUBLE(void)     { return MPI_DOUBLE; }
static inline MPI_Op       shim_MPI_SUM(void)        { return MPI_SUM; }
static inline MPI_Op       shim_MPI_MAX(void)        { return MPI_MAX; }
static inline void        *shim_MPI_IN_PLACE(void)   { return MPI_IN_PLACE; }
static inline MPI_Status  *shim_MPI_STATUS_IGNORE(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status  *shim_MPI_STATUSES_IGNORE(void) { return MPI_STATUSES_IGNORE; }
static inline MPI_Datatype shim_MPI_BYTE(void)       { return MPI_BYTE; }
static inline MPI_Datatype shim_MPI_INT(void)        { return MPI_INT; }
