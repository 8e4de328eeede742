import Foundation

/// Measurements shared by the benchmark suites.
enum BenchSupport {
    /// Peak resident set (VmHWM from /proc/self/status), in MB; 0 where unavailable.
    static func peakRSSMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }

    /// Wall-clock seconds of `body`.
    static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Wall-clock and CPU seconds (user + system, this process) of `body`: CPU time is the steadier figure
    /// while other processes compete for the cores.
    static func timeWithCPU<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
        let cpu0 = cpuSeconds()
        let (value, wall) = try time(body)
        return (value, wall, cpuSeconds() - cpu0)
    }

    /// CPU seconds this process has used so far.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Runs this benchmark binary again with `arguments` and returns its output, so that a case's peak
    /// memory is its own.
    static func runChild(_ arguments: [String]) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = arguments
        // OpenBLAS (linked for the kernels) starts a spinning thread pool at load; a simulation case never uses
        // it, and its threads would count in the child's CPU time.
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        p.environment = environment
        let pipe = Pipe()
        p.standardOutput = pipe
        do { try p.run() } catch { return "could not start child: \(error)\n" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
