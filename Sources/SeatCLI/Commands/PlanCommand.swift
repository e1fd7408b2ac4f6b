import ArgumentParser
import SeatCore
import SeatStore

/// `seatctl plan FILE`: what apply would do, changing nothing.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the change set that would bring the ledger to the desired state; changes nothing.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The desired-state YAML file.") var file: String
    @Flag(name: .long, help: "Exit 2 when there are changes to apply (0 none, 1 error).") var detailedExitcode = false

    func run() throws {
        let session = try Session(options)
        // Planning never creates a ledger: without one, it plans against an empty ledger.
        let store = try session.existingStore()
        let planning = try Planning(file: file, session: session, store: store)
        try planning.show(session)
        if detailedExitcode && planning.changeSet.hasChanges { throw ExitCode(2) }
    }
}
