import ArgumentParser
import SeatCore
import SeatStore

/// `seatctl usage set --account A --gb N`: records an account's data usage,
/// which `storage_allowance` keeps removals from undercutting.
struct UsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Record an account's storage usage.", subcommands: [SetUsage.self])

    struct SetUsage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Record the account's data usage in GB (checked by storage_allowance on removals).")
        @OptionGroup var options: GlobalOptions
        @Option(name: .long, help: "The account (optional when the ledger has one).") var account: String?
        @Option(name: .long, help: "Data used, in whole GB.") var gb: Int
        @Option(name: .long, help: "Who the journal names (else SEATCTL_ACTOR, else the OS user).") var actor: String?

        func validate() throws {
            guard (0...1_000_000_000).contains(gb) else { throw ValidationError("--gb must be a whole number of GB from 0 to 1000000000") }
        }

        func run() throws {
            let session = try Session(options)
            let actor = try Session.actor(self.actor)
            let context = try BillingContext(session: session, account: account)
            try context.store.recordUsage(account: context.account.id, gigabytes: gb, actor: actor, at: session.now)
            let today = Day(session.now, inZoneNamed: context.account.timezone)
            let allowance = StorageAllowance.gigabytes(of: context.snapshot.licenses, catalog: context.catalog, on: today)
            Console.out(sanitizedForDisplay("Recorded \(gb) GB used by \(context.account.id); its storage allowance is \(allowance) GB.\n"))
            if gb > allowance {
                Console.err("warning: \(context.account.id) uses more than its storage allowance (\(gb) GB > \(allowance) GB); removals are refused until it is back within it [storage_allowance]\n")
            }
        }
    }
}
