import ArgumentParser

struct Analyze: ParsableCommand {
    @Argument var scenario: String? = nil
    func run() throws { throw InputError("Analyze: wired at integration") }
}
