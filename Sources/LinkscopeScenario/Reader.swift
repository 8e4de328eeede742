import LinkscopeUnits

/// Typed reads of `DocNode`s: every failure becomes a `ScenarioError` at the offending node with its path.
struct Reader: Sendable {
    let file: String

    func error(_ location: TextPosition, _ path: String, _ message: String) -> ScenarioError {
        ScenarioError(file: file, line: location.line, column: location.column, path: path, message: message)
    }

    func error(_ node: DocNode, _ path: String, _ message: String) -> ScenarioError {
        error(node.location, path, message)
    }

    // MARK: Structure

    func mapping(_ node: DocNode, _ path: String, allowed: [String]) throws(ScenarioError) -> Fields {
        guard let entries = node.entries else {
            throw error(node, path, "expected a mapping with keys such as \(allowed.prefix(4).joined(separator: ", ")), "
                + "found \(node.foundDescription)")
        }
        for e in entries where !allowed.contains(e.key) {
            throw error(e.keyLocation, path, Suggest.unknownKey(e.key, allowed: allowed))
        }
        return Fields(node: node, entries: entries, path: path, reader: self)
    }

    func list(_ node: DocNode, _ path: String, nonEmpty: Bool = true) throws(ScenarioError) -> [DocNode] {
        guard let items = node.items else {
            throw error(node, path, "expected a list, found \(node.foundDescription)")
        }
        if nonEmpty && items.isEmpty { throw error(node, path, "the list is empty") }
        return items
    }

    // MARK: Scalars

    func scalar(_ node: DocNode, _ path: String, expected: String) throws(ScenarioError) -> (String, Bool) {
        guard case .scalar(let text, let quoted) = node.kind, !node.isNull else {
            throw error(node, path, "expected \(expected), found \(node.foundDescription)")
        }
        return (text, quoted)
    }

    func string(_ node: DocNode, _ path: String) throws(ScenarioError) -> String {
        let (text, _) = try scalar(node, path, expected: "a string")
        return text
    }

    func int(_ node: DocNode, _ path: String, in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        let (text, quoted) = try scalar(node, path, expected: "an integer")
        guard !quoted else { throw error(node, path, "expected an integer, found the string '\(text.clipped)'") }
        let digits = text.filter { $0 != "_" }
        guard let value = Int(digits) else {
            if let d = Double(digits), d.isFinite {
                if d.rounded() == d { throw error(node, path, "'\(text.clipped)' is too large") }
                throw error(node, path, "expected a whole number, found '\(text.clipped)'")
            }
            throw error(node, path, "expected an integer, found '\(text.clipped)'")
        }
        guard range.contains(value) else {
            let bounds: String
            if range.upperBound == Int.max {
                bounds = "at least \(range.lowerBound)"
            } else if range.lowerBound == range.upperBound {
                bounds = "exactly \(range.lowerBound)"
            } else {
                bounds = "from \(range.lowerBound) to \(range.upperBound)"
            }
            throw error(node, path, "expected an integer \(bounds), found \(value)")
        }
        return value
    }

    /// A real number; `80%` is read as 0.8. `lowerExclusive` rejects the lower bound itself.
    func double(_ node: DocNode, _ path: String, in range: ClosedRange<Double>,
                lowerExclusive: Bool = false) throws(ScenarioError) -> Double {
        let (text, quoted) = try scalar(node, path, expected: "a number")
        var body = text.trimmingCharacters(in: " ")
        var scale = 1.0
        if body.hasSuffix("%") {
            body.removeLast()
            body = body.trimmingCharacters(in: " ")
            scale = 0.01
        }
        guard !quoted || scale != 1, let raw = Double(body.filter { $0 != "_" }), raw.isFinite else {
            throw error(node, path, "expected a number, found '\(text.clipped)'")
        }
        let value = raw * scale
        let low = lowerExclusive ? value > range.lowerBound : value >= range.lowerBound
        guard low, value <= range.upperBound else {
            let lowText = (lowerExclusive ? "greater than " : "at least ") + Format.number(range.lowerBound)
            let highText = range.upperBound == .greatestFiniteMagnitude ? ""
                : " and at most " + Format.number(range.upperBound)
            throw error(node, path, "expected a number \(lowText)\(highText), found '\(text.clipped)'")
        }
        return value
    }

    func bool(_ node: DocNode, _ path: String) throws(ScenarioError) -> Bool {
        let (text, quoted) = try scalar(node, path, expected: "true or false")
        if !quoted {
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        throw error(node, path, "expected true or false, found '\(text.clipped)'")
    }

    /// One of an enum's raw values, with a near-miss suggestion.
    func choice<E: RawRepresentable & CaseIterable>(_ node: DocNode, _ path: String, _ what: String,
                                                    _ type: E.Type = E.self) throws(ScenarioError) -> E
    where E.RawValue == String {
        let allowed = E.allCases.map(\.rawValue)
        let (text, _) = try scalar(node, path, expected: "one of \(allowed.joined(separator: ", "))")
        if let value = E(rawValue: text) { return value }
        throw error(node, path, Suggest.unknownValue(text, what: what, allowed: allowed))
    }

    // MARK: Quantities (UnitParser, exact)

    func bytes(_ node: DocNode, _ path: String, allowZero: Bool = false) throws(ScenarioError) -> Bytes {
        let text = try quantityText(node, path, expected: "a size such as '4 MiB'")
        do { return try UnitParser.bytes(text, allowZero: allowZero) } catch { throw self.error(node, path, error.message) }
    }

    func bandwidth(_ node: DocNode, _ path: String) throws(ScenarioError) -> Bandwidth {
        let text = try quantityText(node, path, expected: "a bandwidth such as '25 GB/s'")
        do { return try UnitParser.bandwidth(text) } catch { throw self.error(node, path, error.message) }
    }

    func seconds(_ node: DocNode, _ path: String) throws(ScenarioError) -> Seconds {
        let text = try quantityText(node, path, expected: "a time such as '2 us'")
        do { return try UnitParser.seconds(text) } catch { throw self.error(node, path, error.message) }
    }

    func flops(_ node: DocNode, _ path: String) throws(ScenarioError) -> Double {
        let text = try quantityText(node, path, expected: "an amount of work such as '2.36 GFLOP'")
        do { return try UnitParser.flops(text) } catch { throw self.error(node, path, error.message) }
    }

    private func quantityText(_ node: DocNode, _ path: String, expected: String) throws(ScenarioError) -> String {
        let (text, _) = try scalar(node, path, expected: expected)
        return text
    }
}

/// A mapping whose keys have been checked against an allowed set.
struct Fields: Sendable {
    let node: DocNode
    let entries: [DocEntry]
    let path: String
    let reader: Reader

    /// The value of `key`, nil when absent or null.
    subscript(key: String) -> DocNode? {
        guard let e = entries.first(where: { $0.key == key }), !e.value.isNull else { return nil }
        return e.value
    }

    func entry(_ key: String) -> DocEntry? { entries.first { $0.key == key && !$0.value.isNull } }

    func has(_ key: String) -> Bool { self[key] != nil }

    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func required(_ key: String) throws(ScenarioError) -> DocNode {
        guard let v = self[key] else {
            throw reader.error(node, path, "missing required key '\(key)'")
        }
        return v
    }

    func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(ScenarioError) -> Int {
        guard let n = self[key] else { return value }
        return try reader.int(n, path(key), in: range)
    }

    func bool(_ key: String, default value: Bool) throws(ScenarioError) -> Bool {
        guard let n = self[key] else { return value }
        return try reader.bool(n, path(key))
    }

    func string(_ key: String) throws(ScenarioError) -> String? {
        guard let n = self[key] else { return nil }
        return try reader.string(n, path(key))
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ what: String, default value: E)
        throws(ScenarioError) -> E where E.RawValue == String {
        guard let n = self[key] else { return value }
        return try reader.choice(n, path(key), what, E.self)
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ what: String, _ type: E.Type)
        throws(ScenarioError) -> E? where E.RawValue == String {
        guard let n = self[key] else { return nil }
        return try reader.choice(n, path(key), what, E.self)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

/// Near-miss suggestions (Levenshtein distance).
enum Suggest {
    static func unknownKey(_ key: String, allowed: [String]) -> String {
        if let near = nearest(key, in: allowed) {
            return "unknown key '\(key.clipped)' (did you mean '\(near)'?)"
        }
        return "unknown key '\(key.clipped)'; allowed here: \(allowed.joined(separator: ", "))"
    }

    static func unknownValue(_ value: String, what: String, allowed: [String]) -> String {
        let hint = nearest(value, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
        return "unknown \(what) '\(value.clipped)'\(hint); expected one of \(allowed.joined(separator: ", "))"
    }

    /// The closest candidate within a distance of about a third of the word (at most 3), if any.
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        let normalized = normalize(word)
        if let exact = candidates.first(where: { normalize($0) == normalized }) { return exact }
        guard word.count <= 64 else { return nil }
        let limit = min(3, max(1, word.count / 3))
        var best: (String, Int)? = nil
        for c in candidates {
            let d = distance(normalized, normalize(c))
            if d <= limit, best.map({ d < $0.1 }) ?? true { best = (c, d) }
        }
        return best?.0
    }

    static func normalize(_ s: String) -> String {
        String(s.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
