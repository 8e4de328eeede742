/// PLACEHOLDER: the dashboard benchmark suite.
enum DashboardBench {
    static func run(_ arguments: [String]) { print("not written yet") }
}
