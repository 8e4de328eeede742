import Foundation
import Testing

/// Screen snapshots live in `Snapshots/NAME.txt` next to this file. A missing file is written (and the test
/// fails, so a new snapshot is always looked at); `UPDATE_SNAPSHOTS=1` rewrites all of them.
func assertSnapshot(_ text: String, named name: String, filePath: String = #filePath,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let url = dir.appendingPathComponent(name + ".txt")
    let actual = text + "\n"
    let update = ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1"
    guard !update, let expected = try? String(contentsOf: url, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        if !update { Issue.record("snapshot \(name) recorded; review and re-run", sourceLocation: sourceLocation) }
        return
    }
    if expected != actual {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDiff = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
        Issue.record("""
            snapshot \(name) differs at line \(firstDiff + 1)
            expected: \(firstDiff < e.count ? String(e[firstDiff]) : "<end>")
            actual:   \(firstDiff < a.count ? String(a[firstDiff]) : "<end>")
            full actual screen:
            \(actual)
            """, sourceLocation: sourceLocation)
    }
}
