import CBLAS

/// Row-major single-precision matrix products through OpenBLAS, the only door to BLAS in linkscope.
///
/// Every kernel works on raw pointers into flat `Float` buffers (row-major, leading dimension = columns)
/// so that training loops never copy or bounds-check per element.
public enum BLAS {
    /// Runs OpenBLAS single-threaded: each training worker is one thread and owns one core, as a
    /// PyTorch DDP process with `OMP_NUM_THREADS=1` does. Call once before starting workers.
    public static func useSingleThread() { openblas_set_num_threads(1) }

    /// Sets OpenBLAS's own thread count (benchmarks of its multi-threaded peak).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// `C = alpha · op(A) · op(B) + beta · C` with `op(A)` m×k and `op(B)` k×n (row-major).
    /// `transA`/`transB` mean A is stored k×m / B is stored n×k.
    @inline(__always)
    /// Leading dimensions default to packed matrices; pass them to work on column blocks of wider ones.
    public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil, b: UnsafePointer<Float>,
                            ldb: Int? = nil, beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda ?? (transA ? m : k)), b,
                    Int32(ldb ?? (transB ? k : n)), beta, c, Int32(ldc ?? n))
    }

    /// `y += A · x` for a row-major `rows × columns` matrix A with leading dimension `lda`; with
    /// `transposed`, A is stored `columns × rows` and `y += Aᵀ-stored · x` sums its rows.
    @inline(__always)
    public static func gemv(rows: Int, columns: Int, a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>,
                            y: UnsafeMutablePointer<Float>, transposed: Bool = false) {
        if transposed {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(columns), Int32(rows), 1, a, Int32(lda), x, 1, 1, y, 1)
        } else {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), 1, a, Int32(lda), x, 1, 1, y, 1)
        }
    }

    /// `y += alpha · x` over `n` elements (the reduction step of the collectives).
    @inline(__always)
    public static func axpy(_ n: Int, alpha: Float = 1, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    /// `x *= alpha` over `n` elements.
    @inline(__always)
    public static func scale(_ n: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
        cblas_sscal(Int32(n), alpha, x, 1)
    }
}
