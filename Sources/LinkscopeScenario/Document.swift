import Yams

/// A 1-based position in the scenario text.
struct TextPosition: Sendable, Equatable {
    var line: Int
    var column: Int
    static let start = TextPosition(line: 1, column: 1)
}

/// The composed YAML document as a small, mutable, Sendable tree with a location on every node.
///
/// Converted once from Yams's `Node` (aliases expanded, merge keys `<<` applied, sizes bounded) so that
/// validation and sweep substitution never touch Yams again.
struct DocNode: Sendable {
    enum Kind: Sendable {
        /// `quoted` is true for quoted scalars and explicit `!!str` tags (a string, never a number or null).
        case scalar(String, quoted: Bool)
        case mapping([DocEntry])
        case sequence([DocNode])
    }

    var kind: Kind
    var location: TextPosition

    /// `~`, `null` or an empty plain value: the same as leaving the key out.
    var isNull: Bool {
        guard case .scalar(let text, let quoted) = kind, !quoted else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    var entries: [DocEntry]? {
        if case .mapping(let e) = kind { return e }
        return nil
    }

    var items: [DocNode]? {
        if case .sequence(let s) = kind { return s }
        return nil
    }

    var scalarText: String? {
        if case .scalar(let t, _) = kind { return t }
        return nil
    }

    /// "a mapping", "a list", "'abc'": how error messages name what was found.
    var foundDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, let quoted):
            if isNull { return "nothing" }
            return quoted ? "the string '\(text.clipped)'" : "'\(text.clipped)'"
        }
    }

    /// The value as a user wrote it, compactly (sweep parameters): `ring`, `[0, 1]`, `{kind: fat-tree}`.
    var rendered: String {
        var budget = 200
        return render(budget: &budget)
    }

    private func render(budget: inout Int) -> String {
        guard budget > 0 else { return "…" }
        budget -= 1
        switch kind {
        case .scalar(let text, _): return text.clipped
        case .sequence(let items):
            return "[" + items.map { $0.render(budget: &budget) }.joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { "\($0.key): \($0.value.render(budget: &budget))" }.joined(separator: ", ") + "}"
        }
    }
}

/// One `key: value` pair of a mapping, with the key's own location (unknown keys are reported there).
struct DocEntry: Sendable {
    var key: String
    var keyLocation: TextPosition
    var value: DocNode
}

extension String {
    /// At most 60 characters, for quoting user text in messages.
    var clipped: String {
        let flat = replacingOccurrences(of: "\n", with: " ")
        return flat.count > 60 ? String(flat.prefix(57)) + "..." : flat
    }
}

/// Yams text → `DocNode`, every failure a `ScenarioError`.
enum DocumentParser {
    /// Upper bound on nodes after alias expansion (a "billion laughs" document stops here).
    static let maxNodes = 100_000
    /// Upper bound on nesting (a scenario needs about 6 levels).
    static let maxDepth = 64
    /// Upper bound on the text size.
    static let maxBytes = 4 << 20

    static func parse(yaml: String, file: String) throws(ScenarioError) -> DocNode? {
        guard yaml.utf8.count <= maxBytes else {
            throw ScenarioError(file: file, line: 1, column: 1, path: "",
                                message: "the scenario is larger than \(maxBytes / (1 << 20)) MiB")
        }
        if let deep = flowNestingTooDeep(yaml) {
            throw ScenarioError(file: file, line: deep.line, column: deep.column, path: "",
                                message: "nesting is deeper than \(maxDepth) levels")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, yaml: yaml, file: file)
        } catch {
            throw ScenarioError(file: file, line: 1, column: 1, path: "", message: "invalid YAML: \(error)")
        }
        guard let node else { return nil }
        var converter = Converter(file: file)
        return try converter.convert(node, depth: 0)
    }

    /// libyaml allows 1000 levels and Yams composes them recursively; refuse absurd flow nesting
    /// (`[[[[...`) and block indentation past 512 columns before composing.
    static func flowNestingTooDeep(_ yaml: String) -> TextPosition? {
        var depth = 0
        var line = 1
        var column = 0
        var quote: Character? = nil
        var comment = false
        var prefix = 0
        var inPrefix = true
        var previous: Character = " "
        for c in yaml {
            defer { previous = c }
            if c == "\n" || c == "\r\n" {
                line += 1
                column = 0
                comment = false
                prefix = 0
                inPrefix = true
                continue
            }
            column += 1
            if inPrefix {
                if c == " " || c == "-" || c == "?" || c == ":" || c == "\t" {
                    prefix += 1
                    if prefix > 512 { return TextPosition(line: line, column: column) }
                } else {
                    inPrefix = false
                }
            }
            if comment { continue }
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "#": comment = true
            case "'", "\"":
                // Only a quote that starts a token opens a string (not the one in "Bob's").
                if column == 1 || " \t[{,:-".contains(previous) { quote = c }
            case "[", "{":
                depth += 1
                if depth > maxDepth { return TextPosition(line: line, column: column) }
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    /// A position inside the text: libyaml reports errors at the end of input one line past the last one.
    static func clamped(line: Int, column: Int, in yaml: String) -> TextPosition {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let count = max(1, yaml.hasSuffix("\n") ? lines.count - 1 : lines.count)
        guard line > count else { return TextPosition(line: max(1, line), column: max(1, column)) }
        return TextPosition(line: count, column: (lines.count >= count ? lines[count - 1].count : 0) + 1)
    }

    static func syntaxError(_ error: YamlError, yaml: String, file: String) -> ScenarioError {
        func make(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> ScenarioError {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            let at = clamped(line: mark.line, column: mark.column, in: yaml)
            return ScenarioError(file: file, line: at.line, column: at.column, path: "", message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return make(context, problem, mark)
        case .parser(let context, let problem, let mark, _): return make(context, problem, mark)
        case .composer(let context, let problem, let mark, _): return make(context, problem, mark)
        case .reader(let problem, let offset, _, _):
            let loc = offset.map { location(ofCharacterOffset: $0, in: yaml) } ?? .start
            return ScenarioError(file: file, line: loc.line, column: loc.column, path: "",
                                 message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let first = TextPosition(line: max(1, context.mark.line), column: max(1, context.mark.column))
            if let second = nextOccurrence(ofKey: key, after: first, in: yaml) {
                return ScenarioError(file: file, line: second.line, column: second.column, path: "",
                                     message: "duplicate key '\(key)' (first given at line \(first.line))")
            }
            return ScenarioError(file: file, line: first.line, column: first.column, path: "",
                                 message: "duplicate key '\(key)': each key may appear once in a mapping")
        default:
            return ScenarioError(file: file, line: 1, column: 1, path: "", message: "invalid YAML: \(error)")
        }
    }

    /// Character offset → 1-based line and column.
    static func location(ofCharacterOffset offset: Int, in text: String) -> TextPosition {
        var line = 1
        var column = 1
        for (i, c) in text.enumerated() {
            if i >= offset { break }
            if c == "\n" || c == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return TextPosition(line: line, column: column)
    }

    /// Yams reports a duplicate key at its first occurrence; find the second one (`key:` later on the
    /// same line for flow mappings, or at the same column on a later line). Best effort.
    static func nextOccurrence(ofKey key: String, after first: TextPosition, in yaml: String) -> TextPosition? {
        guard !key.isEmpty else { return nil }
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line <= lines.count else { return nil }
        let keyLength = key.unicodeScalars.count
        for lineNumber in first.line...lines.count {
            let text = Array(lines[lineNumber - 1].unicodeScalars)
            let columns: [Int]
            if lineNumber == first.line {
                let from = first.column + keyLength
                columns = from <= text.count ? Array(from...text.count) : []
            } else {
                columns = [first.column]
            }
            for col in columns where col >= 1 && col <= text.count {
                if matchesKey(key, in: text, at: col - 1), col == 1 || !isKeyCharacter(text[col - 2]) {
                    return TextPosition(line: lineNumber, column: col)
                }
            }
        }
        return nil
    }

    private static func matchesKey(_ key: String, in text: [Unicode.Scalar], at index: Int) -> Bool {
        let k = Array(key.unicodeScalars)
        guard index + k.count <= text.count, Array(text[index..<(index + k.count)]) == k else { return false }
        var j = index + k.count
        while j < text.count, text[j] == " " { j += 1 }
        return j < text.count && text[j] == ":"
    }

    private static func isKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "."
    }
}

/// Yams `Node` → `DocNode` with a node budget (alias expansion) and a depth limit.
private struct Converter {
    let file: String
    var nodes = 0

    init(file: String) { self.file = file }

    mutating func convert(_ node: Node, depth: Int) throws(ScenarioError) -> DocNode {
        let location = node.mark.map { TextPosition(line: max(1, $0.line), column: max(1, $0.column)) } ?? .start
        nodes += 1
        guard nodes <= DocumentParser.maxNodes else {
            throw ScenarioError(file: file, line: location.line, column: location.column, path: "",
                                message: "the document has more than \(DocumentParser.maxNodes) values "
                                    + "(after expanding aliases)")
        }
        guard depth <= DocumentParser.maxDepth else {
            throw ScenarioError(file: file, line: location.line, column: location.column, path: "",
                                message: "nesting is deeper than \(DocumentParser.maxDepth) levels")
        }
        switch node {
        case .scalar(let s):
            let quoted = s.style != .plain || s.tag.rawValue == "tag:yaml.org,2002:str"
            return DocNode(kind: .scalar(s.string, quoted: quoted), location: location)
        case .alias(let a):
            // compose resolves aliases; an unresolved one is a document error.
            throw ScenarioError(file: file, line: location.line, column: location.column, path: "",
                                message: "unresolved alias '*\(a.anchor.rawValue)'")
        case .sequence(let seq):
            var items: [DocNode] = []
            for child in seq { items.append(try convert(child, depth: depth + 1)) }
            return DocNode(kind: .sequence(items), location: location)
        case .mapping(let map):
            var entries: [DocEntry] = []
            var merged: [DocEntry] = []
            for (keyNode, valueNode) in map {
                let keyLocation = keyNode.mark.map { TextPosition(line: max(1, $0.line), column: max(1, $0.column)) }
                    ?? location
                guard case .scalar(let keyScalar) = keyNode else {
                    throw ScenarioError(file: file, line: keyLocation.line, column: keyLocation.column, path: "",
                                        message: "mapping keys must be plain names, found a "
                                            + (keyNode.mapping != nil ? "mapping" : "list"))
                }
                let value = try convert(valueNode, depth: depth + 1)
                if keyScalar.string == "<<" && keyScalar.style == .plain {
                    // YAML merge key: `<<: *base` or `<<: [*a, *b]`; explicit keys win.
                    let sources: [DocNode] = value.items ?? [value]
                    for source in sources {
                        guard let sourceEntries = source.entries else {
                            throw ScenarioError(file: file, line: source.location.line,
                                                column: source.location.column, path: "",
                                                message: "a merge key '<<' needs a mapping or a list of mappings")
                        }
                        for e in sourceEntries where !merged.contains(where: { $0.key == e.key }) {
                            merged.append(e)
                        }
                    }
                    continue
                }
                entries.append(DocEntry(key: keyScalar.string, keyLocation: keyLocation, value: value))
            }
            for e in merged where !entries.contains(where: { $0.key == e.key }) { entries.append(e) }
            return DocNode(kind: .mapping(entries), location: location)
        }
    }
}
