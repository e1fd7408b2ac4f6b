import ArgumentParser
import Foundation
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
    @Option(name: .long, help: ArgumentHelp("Save the change set for `seatctl apply PLANFILE` (e.g. seats.\(SavedPlan.fileExtension)).", valueName: "planfile"))
    var out: String?

    func run() throws {
        let session = try Session(options)
        // Planning never creates a ledger: without one, it plans against an empty ledger.
        let store = try session.existingStore()
        let planning = try Planning(file: file, session: session, store: store)
        ProcessLifetime.keepUntilExit(planning)
        try planning.show(session)
        if let out { try save(planning, to: out) }
        if detailedExitcode && planning.changeSet.hasChanges { throw ExitCode(2) }
    }

    /// Writes the saved plan atomically; never over a file that is not a
    /// saved plan (a mistyped `--out seats.yaml` must not eat the file).
    func save(_ planning: Planning, to path: String) throws {
        if FileManager.default.fileExists(atPath: path), !SavedPlan.isSavedPlan(try Session.read(path).bytes) {
            throw CLIError.message("\(path) exists and is not a saved plan; seatctl will not overwrite it",
                                   hint: "choose another name, e.g. --out plan.\(SavedPlan.fileExtension)")
        }
        let saved = SavedPlan(desiredFile: file, desiredSHA256: SavedPlan.sha256(planning.source),
                              guards: planning.desired.guards, changeSet: planning.changeSet)
        do {
            try saved.serialized().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.message("cannot write the saved plan to \(path): \(error.localizedDescription)")
        }
        let note = "\nSaved the plan to: \(path)\n\nTo perform exactly these actions, run the following command to apply:\n    seatctl apply \(path)\n"
        // Standard output stays a single JSON or Markdown document.
        if options.format == .text { Console.out(sanitizedForDisplay(note)) } else { Console.err(sanitizedForDisplay(note)) }
    }
}
