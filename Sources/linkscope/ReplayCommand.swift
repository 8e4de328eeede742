import ArgumentParser

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay",
        abstract: "Replay real traces through the simulator (placeholder).")
    @Argument var traces: [String] = []
    func run() throws { throw InputError("replay: error: not written yet") }
}
