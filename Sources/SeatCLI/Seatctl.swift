import ArgumentParser
import Foundation
import SeatCore
import SeatStore

/// The `seatctl` command: a declarative reconciler for SaaS license seats.
public struct Seatctl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "seatctl",
        abstract: "Declare SaaS license seats in YAML; plan and apply them against the ledger within the business rules.",
        version: SeatCore.version,
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DriftCommand.self, ReconcileCommand.self,
                      StatusCommand.self, HistoryCommand.self, CatalogCommand.self, LicenseCommand.self, UserCommand.self,
                      ExportCommand.self, SchemaCommand.self, InvoiceCommand.self, UsageCommand.self, StateCommand.self]
    )

    public init() {}

    /// Parses the arguments, runs the command and exits with its code.
    /// Errors are mapped to messages and exit codes in one place: 0 success,
    /// 1 any error (usage errors included, as scripts expect), 2 only where
    /// a command documents it (`plan --detailed-exitcode`, `drift`).
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try PhaseTimes.measure("command") { try command.run() }
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as CLIError {
            Foundation.exit(CLIError.report(error).rawValue)
        } catch {
            // Help, version and usage errors come from the argument parser.
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.out(message + "\n") }
                Foundation.exit(0)
            }
            if isArgumentError(error) {
                Console.err(message + "\n")
                Foundation.exit(ExitCode.failure.rawValue)
            }
            Foundation.exit(CLIError.report(error).rawValue)
        }
    }

    /// True for errors the argument parser raised about the command line.
    private static func isArgumentError(_ error: Error) -> Bool {
        error is ValidationError || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
