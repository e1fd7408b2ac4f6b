import Foundation
import SeatCore

/// The ledger: the system of record for accounts, users, licenses, the
/// catalog and the journal. One protocol, several technologies
/// (``SQLiteLedgerStore`` now, PostgreSQL later), one contract test suite.
///
/// Stores persist; they do not decide. What an apply writes is computed by
/// `SeatCore.ApplyEngine` inside ``apply(account:expectedLineage:expectedSerial:_:)``.
public protocol LedgerStore: AnyObject, Sendable {
    /// The stored catalog, or nil when none was ever imported.
    func catalog() throws -> Catalog?

    /// Replaces the stored catalog (journaled as `import_catalog`).
    func importCatalog(_ catalog: Catalog, actor: String, at: Date) throws

    /// Ids of every account in the ledger, sorted.
    func accountIDs() throws -> [String]

    /// A consistent snapshot of one account, read in one transaction with a
    /// fixed, small number of queries (never one per user or license).
    /// Returns ``LedgerSnapshot/empty`` for an unknown account.
    func snapshot(account: String) throws -> LedgerSnapshot

    /// Applies one change set atomically. Inside one write transaction the
    /// store reads the account's snapshot, throws ``LedgerError/stale`` unless
    /// its lineage and serial equal the expected ones (nil lineage and serial 0
    /// for an account that must not exist yet), calls `makeWrites` with the
    /// snapshot and a function that tells whether a license code is unused in
    /// the whole ledger, persists the returned writes and commits. Anything
    /// thrown rolls everything back. Returns the writes that were persisted.
    @discardableResult
    func apply(
        account: String,
        expectedLineage: String?,
        expectedSerial: Int,
        _ makeWrites: (LedgerSnapshot, _ isCodeFree: (String) throws -> Bool) throws -> LedgerWrites
    ) throws -> LedgerWrites

    /// Journal entries, oldest first, for one account or all, from `since` on.
    func journal(account: String?, since: Date?) throws -> [JournalEntry]

    /// The account that holds (or held) the license with this code, or nil.
    /// Codes are unique across the ledger. The default reads every account's
    /// snapshot; a store should answer it with one indexed query.
    func account(ofLicense code: String) throws -> String?
}

extension LedgerStore {
    public func account(ofLicense code: String) throws -> String? {
        for id in try accountIDs() where try snapshot(account: id).licenses.contains(where: { $0.code == code }) {
            return id
        }
        return nil
    }
}

/// Failures of the ledger itself, phrased for the person at the terminal.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The account changed since the plan was made.
    case stale(account: String, expectedLineage: String?, expectedSerial: Int, foundLineage: String?, foundSerial: Int)
    /// The location cannot hold a ledger (a directory, unwritable, not SQLite…).
    case unusable(path: String, reason: String)
    /// The ledger was written by a newer seatctl.
    case newerSchema(path: String, found: String, supported: String)
    /// A state URL that names no known store.
    case unsupportedURL(String)
    /// A store this build of seatctl does not include yet (PostgreSQL).
    case notAvailable(String)
    /// Any other database failure; never carries bound values.
    case database(String)

    public var description: String {
        switch self {
        case let .stale(account, expectedLineage, expectedSerial, foundLineage, foundSerial):
            if expectedLineage == nil, foundLineage != nil {
                return "account \"\(account)\" was created by another apply since this plan was made; run plan again"
            }
            if expectedLineage != foundLineage {
                return "the ledger for account \"\(account)\" is not the one this plan was made for (lineage \(expectedLineage ?? "none") expected, \(foundLineage ?? "none") found)"
            }
            return "the ledger for account \"\(account)\" changed since this plan was made (serial \(expectedSerial) expected, \(foundSerial) found); run plan again"
        case let .unusable(path, reason):
            return "cannot use the ledger at \(path): \(reason)"
        case let .newerSchema(path, found, supported):
            return "the ledger at \(path) was written by a newer seatctl (schema \(found); this seatctl supports up to \(supported)); upgrade seatctl"
        case .unsupportedURL(let url):
            return "unsupported state location \"\(url)\" (use a file path or sqlite:PATH)"
        case .notAvailable(let url):
            return "PostgreSQL ledgers (\(url)) are not available in this build of seatctl yet; use a SQLite path or sqlite:PATH"
        case .database(let message):
            return "ledger error: \(message)"
        }
    }
}
