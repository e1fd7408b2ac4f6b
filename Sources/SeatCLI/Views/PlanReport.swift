import SeatCore

/// Everything a plan view shows: the change set and its context.
struct PlanReport {
    var changeSet: ChangeSet
    var catalog: Catalog
    /// The account's kind as it will be after the apply.
    var kind: AccountKind
    /// What changed outside an apply since the account's latest apply.
    var drift: [DriftItem] = []
}

/// One output format of a plan. Each format is one small renderer.
protocol PlanView {
    func render(_ report: PlanReport) -> String
}

extension PlanView {
    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
