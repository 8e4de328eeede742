import ArgumentParser
import Foundation
import LinkscopeScenario
import LinkscopeSim

/// A bad input the user must fix: printed as `LOCATION: error: MESSAGE`, exit code 2.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
    init(file: String, _ message: String) { description = "\(file): error: \(message)" }
}

/// A check that ran and failed: its report is already printed; exit code 1.
struct CheckFailed: Error {}

/// One place that turns every error into text and an exit status (0/1/2).
enum CLI {
    static func main(_ command: Linkscope.Type) {
        do {
            var parsed = try command.parseAsRoot()
            try parsed.run()
        } catch let error as InputError {
            fail(error.description, code: 2)
        } catch let error as ScenarioError {
            fail(error.description, code: 2)
        } catch is CheckFailed {
            exit(1)
        } catch {
            let code = command.exitCode(for: error)
            if code == .success { command.exit(withError: error) }
            if code == .validationFailure || code.rawValue == 64 {
                // Usage errors are bad input too (docs/output-formats.md: exit 2).
                fail(command.fullMessage(for: error) + "\n" + "Run 'linkscope --help' for usage.", code: 2)
            }
            if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
            fail("error: \(error)", code: 2)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        exit(code)
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// stdout is a terminal (and the terminal is not 'dumb').
    static var isInteractive: Bool {
        isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}

/// Reading inputs and writing outputs with the error rules: clear messages, no partial files.
enum IO {
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
                throw InputError(file: path, isDir.boolValue ? "is a directory" : "cannot be read")
            }
            throw InputError(file: path, "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw InputError(file: path, "is not UTF-8 text") }
        return text
    }

    /// Writes every file or none: each goes to a temporary sibling first, then all are renamed.
    static func writeAll(_ files: [(path: String, contents: String)]) throws {
        var temps: [(String, String)] = []
        for (path, contents) in files {
            let tmp = path + ".tmp-linkscope"
            guard FileManager.default.createFile(atPath: tmp, contents: Data(contents.utf8)) else {
                for (t, _) in temps { try? FileManager.default.removeItem(atPath: t) }
                throw InputError(file: path, "cannot write output file")
            }
            temps.append((tmp, path))
        }
        for (tmp, path) in temps {
            _ = try? FileManager.default.removeItem(atPath: path)
            do { try FileManager.default.moveItem(atPath: tmp, toPath: path) } catch {
                throw InputError(file: path, "cannot write output file")
            }
        }
    }

    /// Loads and validates a scenario file; the built-in one when `path` is nil.
    static func scenario(_ path: String?) throws -> Scenario {
        guard let path else { return try ScenarioLoader.load(yaml: ScenarioLoader.defaultScenarioYAML, file: "<default>") }
        return try ScenarioLoader.load(yaml: read(path), file: path)
    }

    /// `simulator` runs the scenario (`Simulate` passes a concurrent or MPI-distributed run).
    static func simulate(_ scenario: Scenario, options: RunOptions,
                         simulator: (Scenario, RunOptions) throws(SimulationError) -> SimulationRun = Simulator.run)
        throws -> SimulationRun
    {
        do {
            return try simulator(scenario, options)
        } catch {
            // Point at the entry that asked for what cannot be simulated (file:line:col), as the loader does.
            if let path = error.path, scenario.file != ScenarioLoader.defaultScenarioFile,
               let text = try? read(scenario.file),
               let located = ScenarioLocator.error(error.description, at: path, yaml: text, file: scenario.file) {
                throw located
            }
            throw InputError(file: scenario.file, error.description)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}
