import ArgumentParser

struct Topo: ParsableCommand {
    @Argument var scenario: String? = nil
    func run() throws { throw InputError("Topo: wired at integration") }
}
