import Foundation
import Testing
@testable import LinkscopeTraces

/// Where the shared Kineto traces live: `$LINKSCOPE_SHARED`, else `<package root>/../shared/traces`.
enum SharedTraces {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let directory: String? = {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["LINKSCOPE_SHARED"], !env.isEmpty { candidates.append(env) }
        candidates.append(packageRoot.appendingPathComponent("../shared/traces").standardized.path)
        for c in candidates where FileManager.default.fileExists(atPath: c + "/control.json.gz") { return c }
        return nil
    }()

    static var missing: Bool {
        if directory == nil {
            print("skip: shared Kineto traces not found; set LINKSCOPE_SHARED=/path/to/shared/traces")
            return true
        }
        return false
    }

    static func path(_ name: String) -> String { (directory ?? ".") + "/" + name }

    static let files = ["control.json.gz", "nccl_data.json.gz", "sampled_rank-0.json.gz", "sampled_rank-1.json.gz"]

    static let referenceURL = packageRoot.appendingPathComponent("Tests/LinkscopeTracesTests/Reference/hta_reference.json")

    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: referenceURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
