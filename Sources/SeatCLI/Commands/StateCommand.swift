import ArgumentParser
import Foundation
import SeatCore
import SeatPostgres
import SeatStore

/// `seatctl state …`: the ledger itself: its locks, and copying it to another store.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Inspect and manage the ledger: locks, and copying it to another store.",
        subcommands: [LockInfo.self, Unlock.self, Copy.self])

    /// `seatctl state lock-info`
    struct LockInfo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lock-info", abstract: "List the account locks held (and expired ones not yet taken over).")

        @OptionGroup var options: GlobalOptions

        func run() throws {
            let session = try Session(options)
            let locks = try session.existingStore()?.locks() ?? []
            let now = Date()
            switch options.format {
            case .json:
                Console.out(JSONValue.object([
                    ("format_version", .string(JSONPlanView.formatVersion)),
                    ("locks", .array(locks.map { lock in
                        .object([("id", .string(lock.id)), ("account", .string(lock.account)), ("actor", .string(lock.actor)),
                                 ("operation", .string(lock.operation)), ("acquired_at", .string(LockTime.text(lock.acquiredAt))),
                                 ("expires_at", .string(LockTime.text(lock.expiresAt))), ("expired", .bool(lock.isExpired(at: now)))])
                    })),
                ]).serialized())
            case .text, .markdown:
                guard !locks.isEmpty else { Console.out("No locks held.\n"); return }
                let rows = locks.map { lock in
                    [lock.id, lock.account, lock.actor, lock.operation, LockTime.text(lock.acquiredAt),
                     LockTime.text(lock.expiresAt) + (lock.isExpired(at: now) ? " (expired)" : "")]
                }
                Console.out(sanitizedForDisplay(Table.render(
                    header: ["lock id", "account", "actor", "operation", "since", "expires"], rows: rows, rightAligned: [])))
            }
        }
    }

    /// `seatctl state unlock LOCK_ID`
    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlock",
            abstract: "Break a lock whose holder is gone. The holder's apply, if it still runs, then fails and changes nothing.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The lock id `state lock-info` shows.") var lockID: String

        func run() throws {
            let session = try Session(options)
            guard let lock = try session.existingStore()?.breakLock(id: lockID) else {
                throw CLIError.message("there is no lock with id \(lockID)", hint: "run `seatctl state lock-info` to see the locks held")
            }
            Console.out(sanitizedForDisplay(
                "Released lock \(lock.id) on account \(lock.account) (held by \(lock.actor) for \(lock.operation) since \(LockTime.text(lock.acquiredAt))).\n"))
        }
    }

    /// `seatctl state copy --to URL`
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy the whole ledger (catalog, accounts, billing documents, journal) from --state to an empty store, then verify the copy.")

        @OptionGroup var options: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("The target: a path, sqlite:PATH or postgres://…; it must hold no ledger yet.", valueName: "url"))
        var to: String

        func run() throws {
            let session = try Session(options)
            let sourceLocation = try session.location()
            let targetLocation = try LedgerLocation(parsing: to)
            guard let source = try session.existingStore() else {
                throw CLIError.message("there is no ledger at \(sourceLocation) to copy", hint: "check --state (or SEATCTL_STATE)")
            }
            if sourceLocation == targetLocation || targetLocation == .sqliteMemory {
                throw CLIError.message("the target \(targetLocation) cannot receive a copy of \(sourceLocation)",
                                       hint: "name another file or database with --to")
            }
            let export = try source.exportLedger()
            let target = try LedgerOpener.open(targetLocation, lock: try session.lockSettings(actor: nil))
            try target.importLedger(export)

            // Verify by reading everything back from the target.
            let copied = try target.exportLedger()
            let counts = export.counts
            guard copied.counts == counts else {
                throw CLIError.message("the copy at \(targetLocation) does not hold what was copied (counts differ); do not use it",
                                       hint: "empty it and copy again")
            }
            let mismatched = zip(export.accounts, copied.accounts).filter { $0 != $1 }.compactMap { $0.0.account?.id }
            guard mismatched.isEmpty, copied.catalog == export.catalog, copied.documents == export.documents,
                  copied.journal == export.journal else {
                let what = mismatched.isEmpty ? "the catalog, billing documents or journal" : "account " + mismatched.joined(separator: ", ")
                throw CLIError.message("the copy at \(targetLocation) differs from the source in \(what); do not use it",
                                       hint: "empty it and copy again")
            }

            var out = "Copied \(sourceLocation) → \(targetLocation)\n\n"
            out += Table.render(header: ["rows", "source", "target"],
                                rows: zip(counts.rows, copied.counts.rows).map { [$0.0, String($0.1), String($1.1)] }, indent: "  ")
            out += "\nVerified: every count, the catalog, every account (lineage and serial included), every billing document"
                + " (ids included) and the journal are equal.\n"
            if !export.accounts.isEmpty {
                out += "Serials: " + export.accounts.compactMap { snapshot in
                    snapshot.account.map { "\($0.id) \($0.serial)" }
                }.joined(separator: ", ") + "\n"
            }
            Console.out(sanitizedForDisplay(out))
        }
    }
}
