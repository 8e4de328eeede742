import ArgumentParser
import LinkscopeProfile
import LinkscopeReplay
import LinkscopeScenario
import LinkscopeSim
import LinkscopeTopology
import LinkscopeTraces
import LinkscopeUnits

/// The one place that turns any error into what the user reads and the exit status (as swift-argument-parser's
/// `MessageInfo` does): `LOCATION: error: MESSAGE` and 2 for bad input, nothing and 1 for a failed check,
/// usage text and 2 for a bad command line (docs/output-formats.md).
struct ErrorMessage {
    /// What goes to standard error; empty when the command already printed its report.
    var text: String
    /// The process exit status.
    var exitCode: Int32

    init(_ error: any Error, command: Linkscope.Type) {
        switch error {
        case is CheckFailed:
            self.init(text: "", exitCode: 1)
        case let e as CLIError:
            self.init(text: Self.text(e), exitCode: 2)
        case let e as ScenarioError:
            self.init(text: e.description, exitCode: 2)
        case let e as TraceError:
            self.init(text: e.description, exitCode: 2)
        case let e as ReplayError:
            self.init(text: "replay: error: \(e.description)", exitCode: 2)
        case let e as ProfileError:
            self.init(text: "profile: error: \(e.description)", exitCode: 2)
        default:
            let code = command.exitCode(for: error)
            if code == .validationFailure || code.rawValue == 64 {
                // Usage errors are bad input too (docs/output-formats.md: exit 2).
                self.init(text: command.fullMessage(for: error) + "\nRun 'linkscope --help' for usage.", exitCode: 2)
            } else if let e = error as? ExitCode {
                self.init(text: "", exitCode: e.rawValue)
            } else {
                self.init(text: "error: \(Self.reason(error))", exitCode: 2)
            }
        }
    }

    private init(text: String, exitCode: Int32) {
        self.text = text
        self.exitCode = exitCode
    }

    /// `SUBJECT: error: PROBLEM`.
    static func text(_ e: CLIError) -> String {
        if case .preformatted(let text) = e.problem { return text }
        let problem = text(e.problem)
        switch e.subject {
        case .option(let name), .argument(let name), .file(let name), .command(let name):
            return "\(name): error: \(problem)"
        case .none:
            return "error: \(problem)"
        }
    }

    static func text(_ p: CLIError.Problem) -> String {
        switch p {
        case .mustBeAtLeast(let n): return "must be at least \(n)"
        case .mustBeWithin(let lower, let upper): return "must be \(lower) to \(upper)"
        case .mustBeFraction(let got): return "must be in (0, 1], got \(got)"
        case .unknown(let kind, let value, let known):
            return "unknown \(kind) '\(value)' (\(known.joined(separator: ", ")))"
        case .useOneOf(let names):
            return "use " + (names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined())
        case .notA(let expected, let value): return "'\(value)' is not a \(expected)"
        case .listedTwice(let item): return "\(item) is listed twice"
        case .missing(let what): return "give at least one \(what)"
        case .file(let problem):
            switch problem {
            case .noSuchFile: return "no such file"
            case .isDirectory: return "is a directory"
            case .unreadable: return "cannot be read"
            case .notUTF8: return "is not UTF-8 text"
            case .unwritable: return "cannot write output file"
            case .cannotCreateFolder: return "cannot create the folder"
            }
        case .underlying(let error): return reason(error)
        case .stated(let text), .preformatted(let text): return text
        }
    }

    /// A library error as the reason part of a message (after `SUBJECT: error: `).
    static func reason(_ error: any Error) -> String {
        switch error {
        case let e as TopologyError: return e.message
        case let e as UnitError: return e.message
        case let e as CustomStringConvertible: return e.description
        default: return "\(error)"
        }
    }
}
