import ArgumentParser
import Foundation
import LinkscopeScenario
import LinkscopeSim

/// Runs the command line; every error goes through `ErrorMessage` (text and exit status 0/1/2).
enum CLI {
    static func main(_ command: Linkscope.Type) {
        do {
            var parsed = try command.parseAsRoot()
            try parsed.run()
        } catch {
            // --help and --version: the parser prints them on standard output and exits 0.
            if command.exitCode(for: error) == .success { command.exit(withError: error) }
            let message = ErrorMessage(error, command: command)
            if message.text.isEmpty { exit(message.exitCode) }
            fail(message.text, code: message.exitCode)
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
                throw CLIError(.file(path), .file(isDir.boolValue ? .isDirectory : .unreadable))
            }
            throw CLIError(.file(path), .file(.noSuchFile))
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError(.file(path), .file(.notUTF8)) }
        return text
    }

    /// Writes every file or none: each goes to a temporary sibling first, then all are renamed.
    static func writeAll(_ files: [(path: String, contents: String)]) throws {
        var temps: [(String, String)] = []
        for (path, contents) in files {
            let tmp = path + ".tmp-linkscope"
            guard FileManager.default.createFile(atPath: tmp, contents: Data(contents.utf8)) else {
                for (t, _) in temps { try? FileManager.default.removeItem(atPath: t) }
                throw CLIError(.file(path), .file(.unwritable))
            }
            temps.append((tmp, path))
        }
        for (tmp, path) in temps {
            _ = try? FileManager.default.removeItem(atPath: path)
            do { try FileManager.default.moveItem(atPath: tmp, toPath: path) } catch {
                throw CLIError(.file(path), .file(.unwritable))
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
            throw CLIError(.file(scenario.file), .underlying(error))
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}
