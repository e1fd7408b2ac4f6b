import ArgumentParser
import Foundation
import SeatCore

/// The `seatctl` command: a declarative reconciler for SaaS license seats.
public struct Seatctl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "seatctl",
        abstract: "Declare SaaS license seats in YAML; plan and apply them against the ledger within the business rules.",
        version: SeatCore.version,
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, StatusCommand.self,
                      HistoryCommand.self, CatalogCommand.self]
    )

    public init() {}

    /// Parses the arguments, runs the command and exits with its code.
    /// Errors are mapped to messages and exit codes in one place.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        let command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            var command = command
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error where error is CleanExit || error is ValidationError {
            exit(withError: error)
        } catch {
            Foundation.exit(CLIError.report(error).rawValue)
        }
    }
}
