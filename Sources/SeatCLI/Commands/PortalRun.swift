import ArgumentParser
import Foundation
import SeatConfig
import SeatCore
import SeatStore

/// `--actor` for the portal's operations.
struct ActorOption: ParsableArguments {
    @Option(name: .long, help: "Who the journal names, as portal:NAME (else SEATCTL_ACTOR, else the OS user).")
    var actor: String?
}

/// Runs one portal operation the way apply runs a change set: plan it
/// against the account's snapshot, refuse it with the rule's code when a
/// rule forbids it, else apply it in one transaction through the
/// `ApplyEngine`, journaled as `portal:<actor>`, and report what was done.
struct PortalRun {
    let session: Session
    let store: any LedgerStore
    let actor: String

    init(_ options: GlobalOptions, actor: ActorOption) throws {
        session = try Session(options)
        self.actor = try "portal:" + Session.actor(actor.actor)
        // The account lock names the operator as the journal does.
        store = try session.requiredStore(actor: self.actor)
    }

    /// The account that holds license `code` (as typed, any case).
    func account(ofLicense text: String) throws -> (account: String, code: String) {
        try Self.account(ofLicense: text, in: store)
    }

    static func account(ofLicense text: String, in store: any LedgerStore) throws -> (account: String, code: String) {
        let code = text.uppercased()
        guard LicenseCode.isValid(code) else {
            throw CLIError.message("\"\(text)\" is not a license code", hint: "a license code is 8 characters, A–Z and 0–9")
        }
        guard let account = try store.account(ofLicense: code) else {
            throw CLIError.message("there is no license \(code) in the ledger [not_found]", hint: "`seatctl license list --search TEXT` finds licenses")
        }
        return (account, code)
    }

    func run(_ operation: PortalOperation, account: String) throws {
        let catalog = try session.catalog(from: store)
        let snapshot = try store.snapshot(account: account)
        let plan = PortalPlanner(catalog: catalog).plan(operation, against: snapshot, account: account, now: session.now)
        let view = PortalReportView(plan: plan, actor: actor, style: session.options.style)

        if plan.changeSet.hasErrors {
            if session.options.format == .json { Console.out(view.json(writes: nil, snapshot: snapshot).serialized()) }
            session.printDiagnostics(plan.changeSet.diagnostics, sources: [:])
            Console.err("\n\(operation.command) refused; nothing was changed.\n")
            throw CLIError.reported
        }
        guard plan.hasChanges else {
            Console.out(session.options.format == .json ? view.json(writes: nil, snapshot: snapshot).serialized() : view.text(writes: nil, snapshot: snapshot))
            return
        }

        let engine = ApplyEngine(actor: actor, now: session.now, catalog: catalog)
        let writes: LedgerWrites
        do {
            writes = try store.apply(account: account, expectedLineage: snapshot.account?.lineage, expectedSerial: snapshot.account?.serial ?? 0) {
                current, codes in
                try plan.writes(engine: engine, on: current, codes: codes)
            }
        } catch LedgerError.stale(_, _, let expected, _, let found) {
            throw CLIError.message("account \"\(account)\" changed while \(operation.command) ran (serial \(expected) expected, \(found) found); nothing was changed",
                                   hint: "run the command again")
        } catch let error as ApplyError {
            let code = error.code.map { " [\($0.rawValue)]" } ?? ""
            throw CLIError.message("\(operation.command) cannot be applied: \(error.reason)\(code); nothing was changed")
        }
        Console.out(session.options.format == .json ? view.json(writes: writes, snapshot: snapshot).serialized() : view.text(writes: writes, snapshot: snapshot))
    }
}
