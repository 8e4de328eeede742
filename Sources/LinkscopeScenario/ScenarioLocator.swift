/// Finds where a field of a scenario file is written, for errors found after loading (while planning or
/// simulating): "spanning-trees needs GPUs joined by NVLink" points at the collective that asked for it.
public enum ScenarioLocator {
    /// The error at `path` ("collectives[2]", "training.sync"): its line and column, or the nearest written
    /// ancestor's; nil when the text does not parse.
    public static func error(_ message: String, at path: String, yaml: String, file: String) -> ScenarioError? {
        guard let root = try? DocumentParser.parse(yaml: yaml, file: file) else { return nil }
        var node = root
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var index: Int?
            if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
                index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
                name = name[..<open]
            }
            guard let next = node.entries?.first(where: { $0.key == name })?.value else { break }
            node = next
            if let index, let items = node.items, index >= 0, index < items.count { node = items[index] }
        }
        return ScenarioError(file: file, line: node.location.line, column: node.location.column, path: path,
                             message: message)
    }
}
