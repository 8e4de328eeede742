/// Semantic colour of a cell. The terminal layer maps inks to colour pairs (16 or 256 colours) or to
/// nothing at all (no-colour mode); widgets never name concrete colours.
public enum Ink: UInt8, CaseIterable, Sendable {
    case normal, dim, title, accent, border, warn, good, selected, highlight
    case compute, communication, memory, other
    case heat1, heat2, heat3, heat4, heat5

    /// The ink of a span category (docs/dashboard.md: one colour per category).
    public static func category(_ index: Int) -> Ink {
        switch index {
        case 0: return .compute
        case 1: return .communication
        case 2: return .memory
        default: return .other
        }
    }

    /// Heat-map ink for a level in 1...5.
    public static func heat(_ level: Int) -> Ink {
        switch level {
        case ...1: return .heat1
        case 2: return .heat2
        case 3: return .heat3
        case 4: return .heat4
        default: return .heat5
        }
    }
}

/// Colour plus attributes of one cell.
public struct Style: Sendable, Hashable {
    /// Semantic colour.
    public var ink: Ink
    /// Bold attribute.
    public var bold: Bool
    /// Reverse-video attribute (selection, cursor).
    public var reverse: Bool
    /// Underline attribute.
    public var underline: Bool

    /// A style; normal ink without attributes unless given.
    public init(_ ink: Ink = .normal, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.ink = ink
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }

    /// Normal ink, no attributes.
    public static let plain = Style()
}

/// A rectangle in buffer coordinates (columns x, rows y).
public struct Rect: Sendable, Hashable {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// First column right of the rectangle.
    public var maxX: Int { x + width }
    /// First row below the rectangle.
    public var maxY: Int { y + height }
    /// No cells.
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// Shrinks by `n` cells on every side.
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    /// Splits off `rows` rows at the top; returns (top, rest).
    public func splitTop(_ rows: Int) -> (Rect, Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    /// Splits off `rows` rows at the bottom; returns (rest, bottom).
    public func splitBottom(_ rows: Int) -> (Rect, Rect) {
        let r = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: height - r), Rect(x: x, y: y + height - r, width: width, height: r))
    }

    /// Splits off `cols` columns at the left; returns (left, rest).
    public func splitLeft(_ cols: Int) -> (Rect, Rect) {
        let c = min(max(0, cols), width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }
}

/// The in-memory screen every widget paints into (ratatui's `Buffer`). The ncurses layer only copies it
/// out, so tests render whole screens without a terminal. One Unicode scalar per cell: all glyphs the
/// dashboard draws are single-width.
public struct ScreenBuffer: Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Cell glyphs, row by row.
    public private(set) var glyphs: [Unicode.Scalar]
    /// Cell styles, row by row.
    public private(set) var styles: [Style]

    /// A blank buffer (spaces, plain style).
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        glyphs = Array(repeating: " ", count: self.width * self.height)
        styles = Array(repeating: .plain, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Sets one cell; cells outside the buffer are ignored (widgets may overdraw edges).
    @inline(__always)
    public mutating func put(_ x: Int, _ y: Int, _ glyph: Unicode.Scalar, _ style: Style = .plain) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        glyphs[y * width + x] = glyph
        styles[y * width + x] = style
    }

    /// The glyph at column `x`, row `y`.
    public func glyph(_ x: Int, _ y: Int) -> Unicode.Scalar { glyphs[y * width + x] }
    /// The style at column `x`, row `y`.
    public func style(_ x: Int, _ y: Int) -> Style { styles[y * width + x] }

    /// Changes only the style of a cell (selection, highlighting).
    public mutating func restyle(_ x: Int, _ y: Int, _ change: (inout Style) -> Void) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        change(&styles[y * width + x])
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` columns and to the buffer; returns columns written.
    /// Non-printable scalars become `?` so a hostile trace name cannot drive the terminal.
    @discardableResult
    public mutating func text(_ x: Int, _ y: Int, _ text: String, _ style: Style = .plain, maxWidth: Int = Int.max) -> Int {
        var col = 0
        for scalar in text.unicodeScalars {
            if col >= maxWidth { break }
            let printable = scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80..<0xA0).contains(scalar.value)
            put(x + col, y, printable ? scalar : "?", style)
            col += 1
        }
        return col
    }

    /// Fills a rectangle with one glyph and style.
    public mutating func fill(_ rect: Rect, _ glyph: Unicode.Scalar = " ", _ style: Style = .plain) {
        for y in rect.y..<rect.maxY {
            for x in rect.x..<rect.maxX { put(x, y, glyph, style) }
        }
    }

    /// Draws a frame around `rect` with an optional title in its top edge.
    public mutating func box(_ rect: Rect, title: String? = nil, glyphs g: Glyphs, style: Style = Style(.border)) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.maxX - 1
        let bottom = rect.maxY - 1
        for x in rect.x + 1..<right {
            put(x, rect.y, g.horizontal, style)
            put(x, bottom, g.horizontal, style)
        }
        for y in rect.y + 1..<bottom {
            put(rect.x, y, g.vertical, style)
            put(right, y, g.vertical, style)
        }
        put(rect.x, rect.y, g.topLeft, style)
        put(right, rect.y, g.topRight, style)
        put(rect.x, bottom, g.bottomLeft, style)
        put(right, bottom, g.bottomRight, style)
        if let title, rect.width > 4 {
            text(rect.x + 2, rect.y, " \(title) ", Style(.title, bold: true), maxWidth: rect.width - 4)
        }
    }

    /// Replaces every non-ASCII glyph with an ASCII stand-in (`--ascii` guarantees 7-bit output).
    public mutating func asciify() {
        for i in glyphs.indices where glyphs[i].value > 0x7E {
            glyphs[i] = ScreenBuffer.asciiStandIn(glyphs[i])
        }
    }

    static func asciiStandIn(_ g: Unicode.Scalar) -> Unicode.Scalar {
        switch g {
        case "─", "━": return "-"
        case "│", "┃": return "|"
        case "┌", "┐", "└", "┘", "┬", "┴", "├", "┤", "┼": return "+"
        case "←": return "<"
        case "→": return ">"
        case "↑": return "^"
        case "↓": return "v"
        case "·", "…": return "."
        case "×": return "x"
        case "░": return ":"
        case "▒": return "+"
        case "▓": return "*"
        default: return (0x2580...0x259F).contains(g.value) ? "#" : "?"
        }
    }

    /// One string per row, trailing blanks trimmed: the form snapshot tests compare.
    public func lines() -> [String] {
        (0..<height).map { y in
            var s = String.UnicodeScalarView()
            var lastNonBlank = 0
            for x in 0..<width {
                let g = glyphs[y * width + x]
                s.append(g)
                if g != " " { lastNonBlank = x + 1 }
            }
            return String(String(s).unicodeScalars.prefix(lastNonBlank))
        }
    }

    /// The whole screen as text (rows joined by newlines).
    public func text() -> String { lines().joined(separator: "\n") }

    /// The screen as text with ANSI SGR colour codes, for `--once` on a colour terminal.
    public func ansiText(palette: Palette) -> String {
        var out = ""
        for y in 0..<height {
            var current: Style? = nil
            var line = ""
            var lastNonBlank = 0
            var pieces: [String] = []
            for x in 0..<width {
                let st = styles[y * width + x]
                let g = glyphs[y * width + x]
                if st != current {
                    pieces.append(palette.sgr(st))
                    current = st
                }
                pieces.append(String(Character(g)))
                if g != " " || st.reverse { lastNonBlank = pieces.count }
            }
            line = pieces.prefix(lastNonBlank).joined()
            out += line + "\u{1B}[0m" + (y + 1 < height ? "\n" : "")
        }
        return out
    }
}
