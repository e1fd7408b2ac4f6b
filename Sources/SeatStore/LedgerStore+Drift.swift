import Foundation
import SeatCore

/// A store that can read an account's ``DriftHistory`` without reading its
/// whole journal. Stores that do not conform get the portable reading.
public protocol DriftHistoryReading {
    func driftHistory(account: String) throws -> DriftHistory
}

extension LedgerStore {
    /// The account's latest apply and every journal entry after it: what
    /// drift is made of. Read-only.
    public func history(forDriftOf account: String) throws -> DriftHistory {
        if let fast = self as? any DriftHistoryReading { return try fast.driftHistory(account: account) }
        return DriftHistory(journal: try journal(account: account, since: nil))
    }
}
