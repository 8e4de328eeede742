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
    public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0,
                            c: UnsafeMutablePointer<Float>) {
        let lda = transA ? m : k
        let ldb = transB ? k : n
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
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
