import Foundation

/// A per-account writer lock as the ledger records it (the `locks` table):
/// who holds it, for what, since when and until when.
///
/// Every ``LedgerStore/apply(account:expectedLineage:expectedSerial:_:)``
/// takes the account's lock in a short transaction of its own, so another
/// writer sees the holder at once (and fails naming it) instead of queueing
/// behind the database. The apply's transaction checks it still holds the
/// lock and deletes it as it commits. A lock whose process died stays until
/// it expires or `seatctl state unlock` breaks it; an expired lock is taken
/// over with a compare-and-set on its id, so two writers never both win.
public struct LockRecord: Hashable, Sendable {
    /// Random, 16 lower-case hexadecimal digits; what `state unlock` takes.
    public var id: String
    public var account: String
    /// Who took it: the actor an apply journals under.
    public var actor: String
    /// What it was taken for: the command (`apply`, `license buy`, …).
    public var operation: String
    public var acquiredAt: Date
    public var expiresAt: Date

    public init(id: String, account: String, actor: String, operation: String, acquiredAt: Date, expiresAt: Date) {
        self.id = id
        self.account = account
        self.actor = actor
        self.operation = operation
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    /// Whether another writer may take the lock over at `now`.
    public func isExpired(at now: Date) -> Bool { expiresAt <= now }

    /// A new random lock id.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// How a store takes the account lock around an apply.
public struct LockSettings: Sendable, Equatable {
    /// The lock's lifetime when its holder dies without releasing it.
    public static let defaultTTL: TimeInterval = 600

    /// Recorded in the lock: who holds it.
    public var actor: String
    /// Recorded in the lock: what for.
    public var operation: String
    /// How long to wait for a held lock before failing; 0 fails at once.
    public var timeout: TimeInterval
    /// How long the lock stays valid if its holder never releases it.
    public var ttl: TimeInterval

    public init(actor: String, operation: String, timeout: TimeInterval = 0, ttl: TimeInterval = LockSettings.defaultTTL) {
        self.actor = actor
        self.operation = operation
        self.timeout = timeout
        self.ttl = ttl
    }

    /// What a store opened without settings records.
    public static let standard = LockSettings(actor: "seatctl", operation: "apply")
}

/// The outcome of one try to take an account's lock.
public enum LockAttempt: Sendable, Equatable {
    /// Taken; `replacing` is the expired lock it took over, if any.
    case acquired(replacing: LockRecord?)
    /// Held by someone else, not expired.
    case held(LockRecord)
    /// The lock changed hands between reading and writing it: try again.
    case raced
}

/// The waiting loop both stores share around their one-shot `tryLock`.
public enum LockWaiter {
    /// Calls `attempt` with a fresh candidate until it succeeds, or until
    /// `settings.timeout` has passed, then throws ``LedgerError/locked(holder:waited:)``.
    /// Polls with a short, growing pause (10 ms up to 250 ms).
    public static func acquire(
        account: String, settings: LockSettings, _ attempt: (LockRecord) throws -> LockAttempt
    ) throws -> LockRecord {
        let started = Date()
        var pause: TimeInterval = 0.01
        while true {
            // Whole milliseconds, as stores keep instants: a lock reads back equal.
            let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
            let candidate = LockRecord(
                id: LockRecord.newID(), account: account, actor: settings.actor, operation: settings.operation,
                acquiredAt: now, expiresAt: now.addingTimeInterval(settings.ttl))
            switch try attempt(candidate) {
            case .acquired:
                return candidate
            case .raced:
                continue
            case .held(let holder):
                let waited = Date().timeIntervalSince(started)
                let remaining = settings.timeout - waited
                guard remaining > 0 else { throw LedgerError.locked(holder: holder, waited: waited) }
                Thread.sleep(forTimeInterval: min(pause, remaining))
                pause = min(pause * 2, 0.25)
            }
        }
    }
}
