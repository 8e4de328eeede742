/// PLACEHOLDER: the analyze benchmark suite.
enum AnalyzeBench {
    static func run(_ arguments: [String]) { print("not written yet") }
}
