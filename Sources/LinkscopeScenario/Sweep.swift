/// `sweep:` — a mapping of dotted paths (`training.sync.algorithm`, `collectives[0].sizes`) to lists of values.
/// Each combination is substituted into the document tree and validated again, so a bad value is reported
/// at its own line and column.
struct SweepSpec {
    struct Axis {
        var key: String
        var keyLocation: TextPosition
        var components: [Component]
        var values: [DocNode]
    }

    enum Component: Hashable {
        case key(String)
        case index(Int)
    }

    /// Most combinations one sweep may expand to.
    static let maxPoints = 4096

    var axes: [Axis]

    init(_ node: DocNode, reader: Reader) throws(ScenarioError) {
        guard let entries = node.entries else {
            throw reader.error(node, "sweep", "expected a mapping of keys such as 'training.sync.algorithm' to lists "
                + "of values, found \(node.foundDescription)")
        }
        var axes: [Axis] = []
        var total = 1
        for e in entries {
            let path = "sweep.\(e.key)"
            let components = try Self.parse(e.key, at: e.keyLocation, reader: reader)
            if case .key(let first)? = components.first, first == "sweep" || first == "name" {
                throw reader.error(e.keyLocation, path, "'\(first)' cannot be swept")
            }
            let values = try reader.list(e.value, path)
            total *= values.count
            guard total <= Self.maxPoints else {
                throw reader.error(e.value, path, "the sweep has more than \(Self.maxPoints) combinations")
            }
            axes.append(Axis(key: e.key, keyLocation: e.keyLocation, components: components, values: values))
        }
        guard !axes.isEmpty else { throw reader.error(node, "sweep", "the sweep is empty") }
        self.axes = axes
    }

    /// `collectives[0].sizes[1]` → key collectives, index 0, key sizes, index 1.
    static func parse(_ key: String, at location: TextPosition,
                      reader: Reader) throws(ScenarioError) -> [Component] {
        func bad() -> ScenarioError {
            reader.error(location, "sweep", "sweep key '\(key.clipped)' is not a path such as "
                + "'training.sync.algorithm' or 'collectives[0].sizes'")
        }
        var components: [Component] = []
        for segment in key.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(segment)
            let nameEnd = rest.firstIndex(of: "[") ?? rest.endIndex
            let name = rest[rest.startIndex..<nameEnd]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw bad()
            }
            components.append(.key(String(name)))
            rest = rest[nameEnd...]
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]") else { throw bad() }
                let digits = rest[rest.index(after: rest.startIndex)..<close]
                guard let i = Int(digits), i >= 0, i < 1 << 20 else { throw bad() }
                components.append(.index(i))
                rest = rest[rest.index(after: close)...]
            }
        }
        return components
    }

    /// Combinations in key order, the first key outermost: indices into each axis's values.
    var combinations: [[Int]] {
        var result: [[Int]] = [[]]
        for axis in axes {
            var next: [[Int]] = []
            for prefix in result {
                for i in axis.values.indices { next.append(prefix + [i]) }
            }
            result = next
        }
        return result
    }

    /// The document with one combination substituted (and `sweep` removed), keeping sync scheme /
    /// algorithm and data parallelism consistent with what the sweep changes.
    func apply(_ combination: [Int], to root: DocNode, reader: Reader) throws(ScenarioError) -> DocNode {
        var doc = root
        if case .mapping(let entries) = doc.kind {
            doc.kind = .mapping(entries.filter { $0.key != "sweep" })
        }
        let swept = Set(axes.map { $0.components })
        for (axis, i) in zip(axes, combination) {
            let value = axis.values[i]
            doc = try Self.substitute(doc, axis.components[...], value: value, axis: axis, reader: reader)
            let sync: [Component] = [.key("training"), .key("sync")]
            // `training.sync.algorithm: ps` implies the parameter-server scheme (and any other algorithm
            // the all-reduce scheme): drop a written scheme and let the loader infer it.
            if axis.components == sync + [.key("algorithm")], !swept.contains(sync + [.key("scheme")]) {
                doc = Self.removing(doc, sync + [.key("scheme")])
            }
            // A swept scheme drops a written algorithm that does not fit it.
            if axis.components == sync + [.key("scheme")], !swept.contains(sync + [.key("algorithm")]) {
                let isPS = value.scalarText == "parameter-server"
                if let written = Self.lookup(doc, sync + [.key("algorithm")])?.scalarText,
                   (written == "ps") != isPS {
                    doc = Self.removing(doc, sync + [.key("algorithm")])
                }
            }
            // Changing the GPU set rescales data parallelism unless that is swept too.
            let resizing: [[Component]] = [[.key("gpus")], [.key("cluster"), .key("preset")],
                                           [.key("cluster"), .key("nodes")], [.key("cluster")]]
            let data: [Component] = [.key("training"), .key("parallelism"), .key("data")]
            if resizing.contains(axis.components), !swept.contains(data) {
                doc = Self.removing(doc, data)
            }
        }
        return doc
    }

    /// A parameter list as written: `[("gpus", "[0, 1]"), ("training.sync.algorithm", "ps")]`.
    func parameters(_ combination: [Int]) -> [(String, String)] {
        zip(axes, combination).map { ($0.key, $0.values[$1].rendered) }
    }

    static func substitute(_ node: DocNode, _ components: ArraySlice<Component>, value: DocNode, axis: Axis,
                           reader: Reader) throws(ScenarioError) -> DocNode {
        guard let first = components.first else { return value }
        let rest = components.dropFirst()
        var node = node
        let sweepPath = "sweep.\(axis.key)"
        switch first {
        case .key(let k):
            var entries: [DocEntry]
            if let e = node.entries {
                entries = e
            } else if node.isNull {
                entries = []
            } else {
                throw reader.error(axis.keyLocation, sweepPath, "sweep key '\(axis.key.clipped)' goes through "
                    + "\(node.foundDescription) (line \(node.location.line)), which has no key '\(k)'")
            }
            if let i = entries.firstIndex(where: { $0.key == k }) {
                let current = entries[i].value
                let base = current.isNull && !rest.isEmpty ? Self.emptyMapping(at: axis.keyLocation) : current
                entries[i].value = try substitute(base, rest, value: value, axis: axis, reader: reader)
            } else {
                let base = Self.emptyMapping(at: axis.keyLocation)
                entries.append(DocEntry(key: k, keyLocation: axis.keyLocation,
                                        value: try substitute(base, rest, value: value, axis: axis, reader: reader)))
            }
            node.kind = .mapping(entries)
        case .index(let i):
            guard var items = node.items else {
                throw reader.error(axis.keyLocation, sweepPath, "sweep key '\(axis.key.clipped)' indexes "
                    + "\(node.foundDescription) (line \(node.location.line)), which is not a list")
            }
            guard i < items.count else {
                throw reader.error(axis.keyLocation, sweepPath, "sweep key '\(axis.key.clipped)' asks for entry \(i), "
                    + "but the list at line \(node.location.line) has \(items.count)")
            }
            items[i] = try substitute(items[i], rest, value: value, axis: axis, reader: reader)
            node.kind = .sequence(items)
        }
        return node
    }

    static func emptyMapping(at location: TextPosition) -> DocNode {
        DocNode(kind: .mapping([]), location: location)
    }

    static func lookup(_ node: DocNode, _ components: [Component]) -> DocNode? {
        var current = node
        for c in components {
            switch c {
            case .key(let k):
                guard let e = current.entries?.first(where: { $0.key == k }) else { return nil }
                current = e.value
            case .index(let i):
                guard let items = current.items, i < items.count else { return nil }
                current = items[i]
            }
        }
        return current
    }

    /// The tree without the mapping entry at `components` (unchanged when absent).
    static func removing(_ node: DocNode, _ components: [Component]) -> DocNode {
        guard let first = components.first, case .key(let k) = first, var entries = node.entries else { return node }
        var node = node
        if components.count == 1 {
            entries.removeAll { $0.key == k }
        } else if let i = entries.firstIndex(where: { $0.key == k }) {
            entries[i].value = removing(entries[i].value, Array(components.dropFirst()))
        }
        node.kind = .mapping(entries)
        return node
    }
}
