import CNcurses

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last SIGINT/SIGTERM/SIGHUP received, 0 when none. The ONLY global mutable state in the dashboard:
/// a signal handler cannot reach anything else. Written by the handler (one aligned Int32 store), read by the
/// main loop every tick (100 ms), which then restores the terminal and leaves.
nonisolated(unsafe) private var pendingSignal: Int32 = 0

/// The ncurses layer: the only file that imports CNcurses (one adapter per C library). It copies a `ScreenBuffer` out with
/// `wnoutrefresh` + `doupdate`, reads keys, and restores the terminal on exit, signals and errors.
final class Terminal {
    /// Colour depth in use: 0, 16 or 256.
    private(set) var depth = 0
    private var active = false
    private var screen: OpaquePointer?
    private var pairOf: [Int32] = []

    /// Starts curses. Raw mode: Ctrl-C arrives as a key, so quitting always goes through the normal path.
    init(colorMode: ColorMode) throws {
        setlocale(LC_ALL, "")
        guard isatty(1) != 0, isatty(0) != 0, let s = newterm(nil, shim_stdout(), shim_stdin()) else { throw DashboardError.terminalUnavailable }
        screen = s
        set_term(s)
        active = true
        raw()
        noecho()
        nonl()
        keypad(shim_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        timeout(100)
        installSignalHandlers()
        setUpColours(colorMode)
    }

    deinit { stop() }

    private func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in pendingSignal = received }
        }
    }

    private func setUpColours(_ mode: ColorMode) {
        pairOf = Array(repeating: 0, count: Ink.allCases.count)
        guard mode != .none, has_colors() else { return }
        start_color()
        use_default_colors()
        let colours = shim_colors()
        depth = (mode == .sixteen || colours < 256) ? 16 : 256
        let palette = Palette(depth: depth)
        for ink in Ink.allCases {
            var fg = palette.foreground(ink)
            if fg >= colours { fg = fg >= 8 && fg < 16 ? fg - 8 : -1 }
            let pair = Int16(ink.rawValue) + 1
            init_pair(pair, Int16(fg), -1)
            pairOf[Int(ink.rawValue)] = Int32(pair)
        }
    }

    /// Current size (COLS × LINES, already updated after KEY_RESIZE).
    var size: (width: Int, height: Int) { (Int(shim_cols()), Int(shim_lines())) }

    private func attributes(_ st: Style) -> Int32 {
        var a: Int32 = 0
        if st.bold { a |= shim_A_BOLD() }
        if st.reverse { a |= shim_A_REVERSE() }
        if st.underline { a |= shim_A_UNDERLINE() }
        if depth > 0 {
            a |= shim_color_pair(pairOf[Int(st.ink.rawValue)])
        } else if st.ink == .dim || st.ink == .border {
            a |= shim_A_DIM()
        }
        return a
    }

    /// Copies the buffer out: one `mvaddnwstr` per run of equal style, then a single flush.
    func draw(_ buf: ScreenBuffer) {
        let win = shim_stdscr()
        var run: [wchar_t] = []
        run.reserveCapacity(buf.width + 1)
        for y in 0..<buf.height {
            var x = 0
            while x < buf.width {
                let st = buf.style(x, y)
                var end = x
                run.removeAll(keepingCapacity: true)
                while end < buf.width && buf.style(end, y) == st {
                    run.append(wchar_t(bitPattern: buf.glyph(end, y).value))
                    end += 1
                }
                // The bottom-right cell would scroll the screen on some terminals: leave it.
                if y == buf.height - 1 && end == buf.width && !run.isEmpty { run.removeLast() }
                wattrset(win, attributes(st))
                run.append(0)
                _ = mvwaddnwstr(win, Int32(y), Int32(x), run, Int32(run.count - 1))
                x = end
            }
        }
        wattrset(win, 0)
        wnoutrefresh(win)
        doupdate()
    }

    /// Clears the physical screen so the next frame repaints fully (after resize, Ctrl-L, SIGCONT).
    func invalidate() { clearok(shim_stdscr(), true) }

    /// Waits up to one tick (100 ms) for a key; nil on timeout.
    func readKey() -> Key? {
        let c = getch()
        switch c {
        case ERR: return nil
        case KEY_RESIZE: return .resize
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_ENTER, 10, 13: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE, 127, 8: return .backspace
        case 9: return .tab
        case 27: return .escape
        case (KEY_F0 + 1)...(KEY_F0 + 12): return .function(Int(c - KEY_F0))
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(96 + c))))
        case 32...126: return .char(Character(Unicode.Scalar(UInt8(c))))
        default: return nil
        }
    }

    /// The signal that asked us to stop, if any.
    var interruption: Int32? { pendingSignal == 0 ? nil : pendingSignal }

    /// Ctrl-Z: leave curses, stop the process, repaint fully on SIGCONT.
    func suspend() {
        endwin()
        kill(getpid(), SIGTSTP)
        refresh()
        invalidate()
    }

    /// Restores the terminal. Idempotent; also run from `deinit`.
    func stop() {
        guard active else { return }
        active = false
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) }
    }
}
