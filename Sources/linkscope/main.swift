import ArgumentParser

struct Linkscope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linkscope",
        abstract: "Interconnect profiler and communication simulator for distributed training.")
    func run() throws { print("linkscope") }
}
Linkscope.main()
