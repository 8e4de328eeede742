/// How much colour to use. The library never reads the environment: the caller resolves `NO_COLOR`,
/// `TERM=dumb`, `--no-color` and TTY-ness with `ColorMode.resolve` and passes the result in options.
public enum ColorMode: String, Sendable, CaseIterable {
    /// Decide from the terminal: 256 colours when it has them, else 16, else none.
    case auto
    case none
    case sixteen = "16"
    case twoFiftySix = "256"

    /// docs/dashboard.md: `--no-color`, a non-empty `NO_COLOR`, `TERM=dumb` or a non-TTY stdout mean no colour.
    /// `FORCE_COLOR` (non-empty) overrides the environment but not an explicit `--no-color`.
    public static func resolve(noColorFlag: Bool, environment: [String: String], stdoutIsTTY: Bool) -> ColorMode {
        if noColorFlag { return .none }
        if let force = environment["FORCE_COLOR"], !force.isEmpty { return .auto }
        if let nc = environment["NO_COLOR"], !nc.isEmpty { return .none }
        if environment["TERM"] == "dumb" || !stdoutIsTTY { return .none }
        return .auto
    }
}

/// Frame and bar glyphs: Unicode box drawing and eighth blocks, or plain ASCII (`--ascii`).
public struct Glyphs: Sendable {
    /// Horizontal frame line.
    public var horizontal: Unicode.Scalar
    /// Vertical frame line.
    public var vertical: Unicode.Scalar
    /// Top-left frame corner.
    public var topLeft: Unicode.Scalar
    /// Top-right frame corner.
    public var topRight: Unicode.Scalar
    /// Bottom-left frame corner.
    public var bottomLeft: Unicode.Scalar
    /// Bottom-right frame corner.
    public var bottomRight: Unicode.Scalar
    /// A fully filled cell.
    public var full: Unicode.Scalar
    /// Left-aligned partial blocks for 1/8 ... 7/8 of a cell (index 0 = 1/8).
    public var eighths: [Unicode.Scalar]
    /// Heat-map shades from light to full (5 levels).
    public var shades: [Unicode.Scalar]
    /// Filled part of a meter.
    public var meterFill: Unicode.Scalar
    /// Empty part of a meter.
    public var meterEmpty: Unicode.Scalar
    /// Time-ruler tick.
    public var tick: Unicode.Scalar
    /// Marks truncated text.
    public var ellipsis: Unicode.Scalar
    /// Link direction in labels ("gpu0→gpu1").
    public var arrow: String
    /// The set is plain ASCII.
    public var ascii: Bool

    /// Box drawing and block elements.
    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        full: "█", eighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], shades: ["·", "░", "▒", "▓", "█"],
        meterFill: "█", meterEmpty: "·", tick: "┬", ellipsis: "…", arrow: "→", ascii: false)

    /// ASCII only (`--ascii`, non-UTF-8 locales).
    public static let plainASCII = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        full: "#", eighths: ["#", "#", "#", "#", "#", "#", "#"], shades: [".", ":", "+", "*", "#"],
        meterFill: "#", meterEmpty: ".", tick: "|", ellipsis: "~", arrow: "->", ascii: true)
}

/// Maps inks to concrete colours for the terminal layer and `--once` ANSI output.
public struct Palette: Sendable {
    /// Resolved colour depth: 0 (none), 16 or 256.
    public let depth: Int

    /// A palette for `depth` colours (0, 16 or 256).
    public init(depth: Int) { self.depth = depth }

    /// Foreground colour number for an ink, or -1 for the terminal default.
    /// Categories avoid a red/green-only distinction: blue/cyan compute, orange/yellow communication,
    /// magenta memory, grey other. Heat runs dark blue → yellow → red.
    public func foreground(_ ink: Ink) -> Int {
        if depth >= 256 {
            switch ink {
            case .normal: return -1
            case .dim: return 244
            case .title: return 81
            case .accent: return 214
            case .border: return 240
            case .warn: return 203
            case .good: return 114
            case .selected: return 231
            case .highlight: return 226
            case .compute: return 39
            case .communication: return 214
            case .memory: return 170
            case .other: return 248
            case .heat1: return 24
            case .heat2: return 37
            case .heat3: return 149
            case .heat4: return 220
            case .heat5: return 202
            }
        }
        // ANSI 16: 0 black 1 red 2 green 3 yellow 4 blue 5 magenta 6 cyan 7 white, +8 bright.
        switch ink {
        case .normal: return -1
        case .dim: return 8
        case .title: return 14
        case .accent: return 11
        case .border: return 8
        case .warn: return 9
        case .good: return 10
        case .selected: return 15
        case .highlight: return 11
        case .compute: return 6
        case .communication: return 3
        case .memory: return 5
        case .other: return 7
        case .heat1: return 4
        case .heat2: return 6
        case .heat3: return 2
        case .heat4: return 3
        case .heat5: return 1
        }
    }

    /// ANSI SGR escape for a style (resets first, so runs are independent).
    public func sgr(_ style: Style) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.underline { codes.append("4") }
        if style.reverse { codes.append("7") }
        if depth > 0 {
            let fg = foreground(style.ink)
            if fg >= 0 {
                if depth >= 256 { codes.append("38;5;\(fg)") } else { codes.append(fg >= 8 ? "\(90 + fg - 8)" : "\(30 + fg)") }
            }
        }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
