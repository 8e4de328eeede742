/// PLACEHOLDER: the engine benchmark suite.
enum EngineBench {
    static func run(_ arguments: [String]) { print("not written yet") }
}
