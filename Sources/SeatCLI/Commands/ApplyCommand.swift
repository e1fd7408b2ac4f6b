import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// `seatctl apply FILE`: plan, show, ask, apply — all or nothing.
/// `seatctl apply PLANFILE`: apply a saved plan exactly, without asking.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Plan, show the change set, ask for confirmation and apply it to the ledger in one transaction; or apply a saved plan.",
        discussion: "Given a plan saved by `seatctl plan FILE --out PLANFILE`, apply carries out exactly that change set without asking, and refuses it when the ledger or the desired-state file changed since.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The desired-state YAML file, or a plan saved by `plan --out`.") var file: String
    @Flag(name: .long, help: "Apply without asking for confirmation (a saved plan never asks).") var autoApprove = false
    @Flag(name: .long, help: "Allow an apply that exceeds the file's guards.") var allowLargeChange = false
    @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?

    func run() throws {
        let session = try Session(options)
        let actor = try Session.actor(self.actor)
        // A file over the loaders' size limit is left to planning, which reports it.
        let read = try Session.read(file)
        if read.tooLarge == nil, SavedPlan.isSavedPlan(read.bytes) {
            try SavedPlanApply(file: file, bytes: read.bytes, session: session, allowLargeChange: allowLargeChange, actor: actor).run()
            return
        }
        // The ledger file is created only when there is something to write:
        // a refused, declined or failed apply leaves no file behind.
        let existing = try session.existingStore(actor: actor)
        let planning = try Planning(file: file, read: read, session: session, store: existing, actor: actor)
        ProcessLifetime.keepUntilExit(planning)
        try planning.show(session)
        let changeSet = planning.changeSet
        guard changeSet.hasChanges || changeSet.rewritesDeferrals else { return }
        try checkGuards(planning, session)

        if changeSet.hasChanges && !autoApprove {
            guard Console.stdinIsTerminal else {
                throw CLIError.message("standard input is not a terminal, so seatctl cannot ask for confirmation; nothing was changed",
                                       hint: "review the plan above and re-run with --auto-approve to apply it without asking")
            }
            Console.out("\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
            guard Console.readLine() == "yes" else { throw CLIError.declined }
        }

        let writes = try Applying.run(changeSet, catalog: planning.catalog, store: existing, session: session, actor: actor,
                                      prepared: planning.prepared)
        ProcessLifetime.keepUntilExit(writes)
        Applying.reportDone(changeSet, writes, options: options)
    }

    /// `large_change`: refuse an apply that exceeds the file's guards
    /// (`maxUnassignments`, `maxChargeNow`) unless `--allow-large-change`.
    func checkGuards(_ planning: Planning, _ session: Session) throws {
        guard !allowLargeChange else { return }
        let violations = Applying.guardViolations(planning.changeSet, guards: planning.desired.guards)
        guard !violations.isEmpty else { return }
        let diagnostics = violations.map { Diagnostic.error($0.code, $0.message, at: $0.location, hint: $0.hint) }
        session.printDiagnostics(diagnostics, sources: [planning.desired.file: planning.source])
        throw CLIError.reported
    }
}
