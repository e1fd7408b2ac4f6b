import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// **Test-only.** The steps of an apply (SQLite; PostgreSQL pauses at
/// `beforeTransaction`, `afterSnapshot`, `beforeCommit` and `afterCommit`) at which a crash-safety test
/// can stop seatctl and kill it (SIGKILL), to prove the ledger is always
/// either wholly before or wholly after the apply.
///
/// `SEATCTL_TEST_PAUSE_AT=<point>` (a raw value below) makes the apply,
/// on reaching that point, write the point's name to the file named by
/// `SEATCTL_TEST_PAUSE_MARKER` and wait before going on: until the test
/// deletes that marker file (it lets the apply go on), or a minute at most.
/// Without the variable nothing happens beyond one comparison per step.
/// Nothing else reads these variables; never set them outside tests.
public enum ApplyPausePoint: String, CaseIterable, Sendable {
    /// Before `BEGIN IMMEDIATE`.
    case beforeTransaction = "before-transaction"
    /// Inside the transaction, once the account's snapshot is read and checked.
    case afterSnapshot = "after-snapshot"
    /// After the account row is inserted or updated.
    case afterAccount = "after-account"
    /// After the first statement writing user rows (on SQLite, up to
    /// `BulkInsert.rowsPerStatement` rows at a time; all of a small apply's).
    case duringUsers = "during-users"
    case afterUsers = "after-users"
    /// After the first statement writing license rows.
    case duringLicenses = "during-licenses"
    case afterLicenses = "after-licenses"
    case afterContractTerms = "after-contract-terms"
    case afterDeferrals = "after-deferrals"
    /// After the billing rows (charges, credits, license billing state).
    case afterBilling = "after-billing"
    /// After the first statement writing journal entries.
    case duringJournal = "during-journal"
    case afterJournal = "after-journal"
    /// Every row written, `COMMIT` not yet run.
    case beforeCommit = "before-commit"
    /// `COMMIT` done, the process not yet finished.
    case afterCommit = "after-commit"

    /// The point this process should pause at, from the environment.
    static let requested: ApplyPausePoint? = ProcessInfo.processInfo.environment["SEATCTL_TEST_PAUSE_AT"]
        .flatMap(ApplyPausePoint.init(rawValue:))

    /// Pauses when `self` is the requested point.
    @inline(__always)
    public func reached() {
        guard self == Self.requested else { return }
        pause()
    }

    private func pause() {
        guard let marker = ProcessInfo.processInfo.environment["SEATCTL_TEST_PAUSE_MARKER"] else {
            sleep(60)
            return
        }
        // A marker that cannot be written ends the pause at once; the test
        // waiting for the marker then fails on its own time limit.
        _ = FileManager.default.createFile(atPath: marker, contents: Data(rawValue.utf8))
        for _ in 0..<6000 where FileManager.default.fileExists(atPath: marker) {
            usleep(10_000)
        }
    }
}
