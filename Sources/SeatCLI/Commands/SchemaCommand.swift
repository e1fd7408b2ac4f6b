import ArgumentParser

/// `seatctl schema`: the JSON Schema of the desired-state file.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of the desired-state file, for editors and linters.")

    func run() throws {
        Console.out(DesiredStateSchema.document.serialized())
    }
}
