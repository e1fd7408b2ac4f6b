import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a change set cannot be applied to a ledger snapshot. Seeing one means
/// the ledger is not what the change set was planned against, or the change
/// set was edited: nothing is written.
public struct ApplyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based step that failed, or 0 for the change set as a whole.
    public var step: Int
    public var reason: String
    /// Set when a business rule would break after this step.
    public var code: RuleCode?

    public init(step: Int, reason: String, code: RuleCode? = nil) {
        self.step = step
        self.reason = reason
        self.code = code
    }

    public var description: String {
        step == 0 ? reason : "step \(step): \(reason)"
    }
}

/// Computes the rows an apply writes: executes a change set, step by step,
/// on an in-memory copy of the snapshot it was planned against, checking
/// after every step that each change still fits (the license is free, the
/// user exists, the account keeps an administrator).
///
/// It runs inside the store's write transaction, so stores stay thin and
/// every store writes exactly the same rows.
public struct ApplyEngine {
    /// Who the journal names.
    public var actor: String
    public var now: Date
    /// Draws a candidate license code; the engine retries until the store
    /// says the code is free and it is not used in this apply already.
    public var drawCode: () -> String
    /// Draws a new account's lineage.
    public var drawLineage: () -> String
    /// Prices purchases and removals (charges, credits) and checks
    /// `storage_allowance`; nil records no billing.
    public var catalog: Catalog?

    public init(actor: String, now: Date, catalog: Catalog? = nil, drawCode: @escaping () -> String = LicenseCode.randomSource(),
                drawLineage: @escaping () -> String = LicenseCode.randomLineage) {
        self.actor = actor
        self.now = now
        self.catalog = catalog
        self.drawCode = drawCode
        self.drawLineage = drawLineage
    }

    /// The rows applying `changeSet` to `snapshot` writes. `isCodeFree` is
    /// asked about every license code drawn.
    public func writes(for changeSet: ChangeSet, on snapshot: LedgerSnapshot,
                       isCodeFree: (String) throws -> Bool) throws -> LedgerWrites {
        try withoutActuallyEscaping(isCodeFree) { isCodeFree in
            try writes(for: changeSet, on: snapshot, codes: LicenseCodeCheck(isFree: isCodeFree))
        }
    }

    /// The rows applying `changeSet` to `snapshot` writes, with license codes
    /// that neither the snapshot nor (as `codes` says) any account of the
    /// ledger uses: the codes are drawn, then checked in one batch; should
    /// any be taken, the change set is worked out again without them.
    public func writes(for changeSet: ChangeSet, on snapshot: LedgerSnapshot, codes: LicenseCodeCheck) throws -> LedgerWrites {
        var excluded: Set<String> = []
        for _ in 0..<8 {
            let writes = try compute(changeSet, on: snapshot) { code in
                try !excluded.contains(code) && codes.isFree(code)
            }
            let taken = writes.boughtCodes.isEmpty ? []
                : try Self.collisions(writes.boughtCodes, in: snapshot).union(codes.taken(writes.boughtCodes))
            if taken.isEmpty { return writes }
            excluded.formUnion(taken)
        }
        throw ApplyError(step: 0, reason: "could not draw unused license codes")
    }

    /// Which of `codes` a license of `snapshot` has: one pass over the
    /// snapshot, which is not indexed by code as a whole.
    static func collisions(_ codes: [String], in snapshot: LedgerSnapshot) -> Set<String> {
        guard !snapshot.licenses.isEmpty else { return [] }
        let drawn = CodeSet(codes)
        var found: Set<String> = []
        // By index: each license's code is read in place, not the license copied.
        for index in snapshot.licenses.indices where drawn.contains(snapshot.licenses[index].code) {
            found.insert(snapshot.licenses[index].code)
        }
        return found
    }

    private func compute(_ changeSet: ChangeSet, on snapshot: LedgerSnapshot,
                         isCodeFree: (String) throws -> Bool) throws -> LedgerWrites {
        var state = try EngineState(changeSet: changeSet, snapshot: snapshot, actor: actor, now: now, lineage: drawLineage)
        state.logAccountChange(changeSet.accountChange, previous: snapshot.account)
        for (index, change) in changeSet.changes.enumerated() {
            do {
                try state.apply(change) { isUsed in try self.freshCode(isCodeFree: isCodeFree, isUsed: isUsed) }
            } catch let error as ApplyError {
                throw ApplyError(step: index + 1, reason: error.reason, code: error.code)
            }
        }
        if let catalog { try state.checkStorage(usage: snapshot.billing?.usageGB, catalog: catalog, snapshot: snapshot) }
        var writes = state.finish(deferred: changeSet.deferred, recorded: snapshot.deferrals, closes: changeSet.accountChange?.closes == true)
        if let catalog {
            var recorder = BillingRecorder(catalog: catalog, account: state.account, billing: snapshot.billing, today: state.today, now: now)
            recorder.reserveCapacity(state.billingEvents.reduce(0) { $0 + $1.codes.count })
            recorder.willRemove(state.billingEvents.lazy.filter(\.removes).flatMap(\.codes))
            for event in state.billingEvents {
                if event.removes { recorder.removed(plan: event.plan, codes: event.codes) } else { recorder.bought(plan: event.plan, codes: event.codes) }
            }
            writes.billing = recorder.writes
        }
        return writes
    }

    private func freshCode(isCodeFree: (String) throws -> Bool, isUsed: (String) -> Bool) throws -> String {
        for _ in 0..<1000 {
            let code = drawCode()
            if !isUsed(code), try isCodeFree(code) { return code }
        }
        throw ApplyError(step: 0, reason: "could not draw an unused license code")
    }
}

/// Random 64-bit words from the system's secure random source, read in blocks.
private final class SecureRandomWords {
    private var words = [UInt64](repeating: 0, count: 512)
    private var index = 512

    func next() -> UInt64 {
        if index == words.count {
            var generator = SystemRandomNumberGenerator()
            words.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                // getentropy(3) gives up to 256 bytes a call.
                var filled = 0
                while filled < buffer.count, getentropy(buffer.baseAddress! + filled, min(256, buffer.count - filled)) == 0 {
                    filled += min(256, buffer.count - filled)
                }
                if filled == buffer.count { return }
                #endif
                // Elsewhere (or should getentropy fail), a word at a time.
                for offset in stride(from: 0, to: buffer.count, by: 8) {
                    buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
                }
            }
            index = 0
        }
        defer { index += 1 }
        return words[index]
    }
}

/// License codes and lineages from the system's secure random source.
public enum LicenseCode {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// 8 characters, A–Z and 0–9, uniformly distributed: one 64-bit draw
    /// from the secure source per code (rejection-sampled, so no bias).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return code(from: generator.next(upperBound: space))
    }

    /// 36^8 possible codes.
    static let space: UInt64 = 2_821_109_907_456

    /// A source of random codes that reads the system's secure random source
    /// 256 bytes at a time rather than once per code: a first apply of a
    /// large account draws 200,000 codes. Each source is for one thread.
    public static func randomSource() -> () -> String {
        let words = SecureRandomWords()
        // The largest multiple of `space` that fits: draws above it are
        // rejected, so every code is equally likely.
        let limit = UInt64.max - UInt64.max % space
        return {
            var word = words.next()
            while word >= limit { word = words.next() }
            return code(from: word % space)
        }
    }

    /// The code for a number in `0..<space`: written straight into the
    /// string, which is small enough to need no allocation (a first apply
    /// of 1,000,000 users draws 2,000,000 codes).
    static func code(from value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 8) { bytes in
            var value = value
            for index in (0..<8).reversed() {
                bytes[index] = alphabet[Int(value % 36)]
                value /= 36
            }
            return 8
        }
    }

    /// 32 lower-case hex digits.
    public static func randomLineage() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// `count` codes from `draw`, without repeats, numbered in their order
    /// (shorter first: a plan's placeholders `~9`, `~10`, …, keep theirs).
    /// A purchase's licenses are numbered so, which makes the order of
    /// their rows that of the stores' indexes on codes: an apply fills the
    /// indexes page after page rather than all over them. `draw` is given
    /// the codes it must not return (empty but for a repeat).
    static func sortedUnique(count: Int, draw: (_ drawn: Set<String>) throws -> String) rethrows -> [String] {
        var codes: [String] = []
        codes.reserveCapacity(count)
        for _ in 0..<count { codes.append(try draw([])) }
        codes.sort(by: numberingOrder)
        // Two equal draws, which a source of random codes makes once in
        // trillions of pairs, are drawn again, against every code kept.
        while true {
            var unique: [String] = []
            unique.reserveCapacity(count)
            for code in codes where unique.last != code { unique.append(code) }
            if unique.count == codes.count { return codes }
            var taken = Set(unique)
            for _ in unique.count..<count {
                let code = try draw(taken)
                taken.insert(code)
                unique.append(code)
            }
            codes = unique.sorted(by: numberingOrder)
        }
    }

    /// Shorter codes first, then by their bytes.
    static func numberingOrder(_ a: String, _ b: String) -> Bool {
        let (left, right) = (a.utf8.count, b.utf8.count)
        return left != right ? left < right : a < b
    }

    /// True for a well-formed code.
    public static func isValid(_ code: String) -> Bool {
        code.utf8.count == 8 && code.utf8.allSatisfy { (65...90).contains($0) || (48...57).contains($0) }
    }
}
