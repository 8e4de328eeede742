/// PLACEHOLDER: the sim benchmark suite.
enum SimBench {
    static func run(_ arguments: [String]) { print("not written yet") }
}
