import ArgumentParser

struct Tui: ParsableCommand {
    @Argument var scenario: String? = nil
    func run() throws { throw InputError("Tui: wired at integration") }
}
