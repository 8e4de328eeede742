/// A key press, independent of ncurses (the terminal layer translates `getch` codes into these).
public enum Key: Sendable, Hashable {
    case char(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace
    case function(Int)
    /// Ctrl plus a letter, e.g. `.control("c")`.
    case control(Character)
    case resize

    /// Keys for a string of printable characters, for tests ("++l" → three keys).
    public static func keys(_ text: String) -> [Key] { text.map { Key.char($0) } }
}
