/// A bad command line or input file, as facts: what the user must fix (`subject`) and why (`problem`).
/// Commands throw it, or let a library's error through; `ErrorMessage` is the only place that turns either
/// into text and an exit code.
struct CLIError: Error {
    /// What the user must fix.
    enum Subject: Sendable, Equatable {
        /// A command-line option, spelled as typed (`--nodes`, `-f`, `--width/--height`).
        case option(String)
        /// A positional argument, by its usage name (`OPERATION`).
        case argument(String)
        /// An input or output file (or folder), by its path.
        case file(String)
        /// A subcommand as a whole (`replay`, `analyze`), for problems no single option causes.
        case command(String)
        /// Nothing the user can point at (an internal step failed on valid input).
        case none
    }

    /// Why the subject cannot be used.
    enum Problem {
        /// An integer below its minimum.
        case mustBeAtLeast(Int)
        /// An integer outside `lower...upper`.
        case mustBeWithin(lower: Int, upper: Int)
        /// A fraction that must lie in (0, 1].
        case mustBeFraction(got: Double)
        /// A name that is not one of the known ones (`kind`: "algorithm", "preset", ...).
        case unknown(kind: String, value: String, known: [String])
        /// A value outside a short fixed list, given as the list.
        case useOneOf([String])
        /// A value that does not read as `expected` ("GPU number", "size (e.g. 8, 1K, 128M, 8G)").
        case notA(expected: String, value: String)
        /// The same item given twice.
        case listedTwice(String)
        /// No input of this kind was given ("trace file").
        case missing(String)
        /// The file cannot be used as it is.
        case file(FileProblem)
        /// An error a library threw; rendered by `ErrorMessage` by its own type.
        case underlying(any Error)
        /// A one-off condition with no further structure.
        case stated(String)
        /// Text that already reads `LOCATION: error: MESSAGE` (the pre-fact `InputError("...")`).
        case preformatted(String)
    }

    /// What is wrong with a file.
    enum FileProblem: Sendable, Equatable {
        case noSuchFile, isDirectory, unreadable, notUTF8, unwritable, cannotCreateFolder
    }

    var subject: Subject
    var problem: Problem

    init(_ subject: Subject, _ problem: Problem) {
        self.subject = subject
        self.problem = problem
    }
}

/// A check that ran and failed: its report is already printed; exit code 1.
struct CheckFailed: Error {}

/// The pre-fact spelling, kept so that branches written against it still compile; new code throws
/// `CLIError(subject, problem)`.
typealias InputError = CLIError

extension CLIError {
    /// Text that already reads `LOCATION: error: MESSAGE`.
    init(_ preformatted: String) { self.init(.none, .preformatted(preformatted)) }
    /// `FILE: error: MESSAGE`.
    init(file: String, _ message: String) { self.init(.file(file), .stated(message)) }
}
