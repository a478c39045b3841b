// SPDX-License-Identifier: GPL-2.0-only
/*
 * BlasThreads: which BLAS library the process has loaded, and a way to cap
 * OpenBLAS's own thread pool, without a link-time dependency on OpenBLAS.
 */

#ifndef FEDMOE_LEARNING_BLAS_THREADS_H
#define FEDMOE_LEARNING_BLAS_THREADS_H

#include <string>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief Caps the threads OpenBLAS uses per call (openblas_set_num_threads,
 *        looked up with dlsym, so nothing happens if OpenBLAS is not loaded).
 *
 * LibTorch's at::set_num_threads() limits its own pool, but OpenBLAS keeps
 * its own: jobs that run in parallel with one intra-op thread each should
 * also call this with 1.
 *
 * \param n threads per BLAS call (>= 1)
 * \return true if OpenBLAS was found and told
 */
bool LimitBlasThreads(int n);

/**
 * \brief Threads OpenBLAS uses per call.
 * \return the count, or 0 if OpenBLAS is not loaded
 */
int BlasThreads();

/**
 * \brief The BLAS libraries loaded into the process, for reports: each path
 *        (resolved) of a loaded library whose name holds "blas", "mkl" or
 *        "blis", and OpenBLAS's openblas_get_config() if it has one.
 * \return e.g. "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 [OpenBLAS
 *         0.3.21 DYNAMIC_ARCH ...]"; "none found" if no such library is loaded
 */
std::string LoadedBlas();

/**
 * \brief True if a BLAS library is loaded but none of them is OpenBLAS, MKL or
 *        BLIS: most likely Debian's reference BLAS (libblas.so.3 from
 *        /usr/lib/x86_64-linux-gnu/blas/), some 20 times slower. Fix:
 *        apt-get install libopenblas0-pthread.
 */
bool ReferenceBlasSuspected();

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_BLAS_THREADS_H
