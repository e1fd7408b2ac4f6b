import ArgumentParser
import SeatConfig
import SeatCore

/// `seatctl validate FILE`: the file alone, against the catalog.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a desired-state file: its schema and the rules that need no ledger.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The desired-state YAML file.") var file: String

    func run() throws {
        let session = try Session(options)
        let (bytes, tooLarge) = try Session.read(file)
        let (state, loadDiagnostics) = tooLarge.map { (nil, [$0]) } ?? ConfigLoader.loadDesiredState(bytes, file: file)
        var diagnostics = loadDiagnostics
        if let state, !loadDiagnostics.hasErrors {
            let catalog = try session.catalogWithoutCreating()
            diagnostics += FileRules.check(state, catalog: catalog, checksAdministrators: state.prune.value)
        }
        diagnostics = diagnostics.sortedForOutput()
        switch options.format {
        case .json:
            Console.out(JSONValue.object([
                ("format_version", .string(JSONPlanView.formatVersion)),
                ("file", .string(file)),
                ("valid", .bool(!diagnostics.hasErrors)),
                ("errors", .array(diagnostics.errors.map(JSONPlanView.diagnostic))),
                ("warnings", .array(diagnostics.warnings.map(JSONPlanView.diagnostic))),
            ]).serialized())
        case .text, .markdown:
            session.printDiagnostics(diagnostics, sources: [file: bytes])
            if !diagnostics.hasErrors { Console.out("\(sanitizedForDisplay(file)) is valid.\n") }
        }
        if diagnostics.hasErrors { throw ExitCode.failure }
    }
}
