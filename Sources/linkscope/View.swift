import ArgumentParser

struct View: ParsableCommand {
    @Argument var scenario: String? = nil
    func run() throws { throw InputError("View: wired at integration") }
}
