// OpenBLAS's CBLAS interface (cblas_sgemm) and its thread controls (openblas_set_num_threads).
#include <cblas.h>
