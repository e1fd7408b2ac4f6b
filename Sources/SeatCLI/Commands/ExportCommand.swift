import ArgumentParser
import Foundation
import SeatConfig
import SeatCore
import SeatStore

/// `seatctl export --account A`: the desired-state file that describes the
/// account as the ledger holds it; planning it shows no changes.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a desired-state file from the ledger; planning it against the same ledger shows no changes.")

    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "The account to export.") var account: String
    @Option(name: .long, help: ArgumentHelp("Write the file here instead of standard output.", valueName: "file")) var out: String?

    func validate() throws {
        try PortalArguments.checkAccount(account)
    }

    func run() throws {
        guard options.format == .text else {
            throw CLIError.message("export writes a YAML desired-state file; --format \(options.format.rawValue) does not apply to it")
        }
        let session = try Session(options)
        let store = try session.requiredStore()
        let snapshot = try store.snapshot(account: account)
        guard let ledgerAccount = snapshot.account,
              let (state, remarks) = LedgerExport.desiredState(of: snapshot, file: out ?? "-", now: session.now) else {
            throw CLIError.message("there is no account \"\(account)\" in the ledger [not_found]", hint: "`seatctl status` lists the accounts")
        }
        guard ledgerAccount.status == .open else {
            throw CLIError.message("account \"\(account)\" is closed; there is no desired state to export [account_closed]")
        }
        var header = [
            "Desired state of account \(account), exported from the ledger by seatctl \(SeatCore.version)",
            "(lineage \(ledgerAccount.lineage), serial \(ledgerAccount.serial)) at \(Clock.format(session.now)).",
            "Planning this file against the same ledger shows no changes. The ledger does not keep",
            "emailDomains, blockedDomains, guards or prune: add them back if the account uses them.",
            "Editors can check this file against `seatctl schema` (see the README).",
        ]
        if !remarks.isEmpty { header += [""] + remarks.map { "Note: " + $0 + "." } }
        let text = DesiredStateWriter.yaml(state, header: header)
        guard let out else { Console.out(text); return }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw CLIError.message("cannot write \(out): \(error.localizedDescription)")
        }
        Console.err("Wrote the desired state of account \(account) to \(out).\n")
    }
}
