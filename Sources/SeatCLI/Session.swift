import Foundation
import SeatConfig
import SeatCore
import SeatStore

/// What most commands need: the ledger, the catalog and the clock.
struct Session {
    let options: GlobalOptions
    let now: Date

    init(_ options: GlobalOptions) throws {
        self.options = options
        self.now = try options.clock()
    }

    /// Opens (creating when needed) the ledger.
    func store() throws -> any LedgerStore {
        try LedgerLocation.open(options.stateLocation)
    }

    /// The ledger if one exists already; never creates one.
    func existingStore() throws -> (any LedgerStore)? {
        try LedgerLocation.openIfExists(options.stateLocation)
    }

    /// The ledger, which must exist: for commands that only read it.
    func requiredStore() throws -> any LedgerStore {
        guard let store = try existingStore() else {
            throw CLIError.message("there is no ledger at \(options.stateLocation)", hint: "run `seatctl apply FILE` to create one")
        }
        return store
    }

    /// The ledger's catalog, else the built-in one.
    func catalog(from store: (any LedgerStore)?) throws -> Catalog {
        if let store, let stored = try store.catalog() { return stored }
        return try Session.builtInCatalog()
    }

    /// The catalog without creating a ledger: the stored one if a ledger
    /// exists already, else the built-in one.
    func catalogWithoutCreating() throws -> Catalog {
        try catalog(from: try existingStore())
    }

    static func builtInCatalog() throws -> Catalog {
        let (catalog, diagnostics) = ConfigLoader.loadCatalog(Array(DefaultCatalog.yaml.utf8), file: DefaultCatalog.file)
        guard let catalog else {
            throw CLIError.message("the built-in catalog is invalid: \(diagnostics.first?.message ?? "unknown problem")")
        }
        return catalog
    }

    /// Reads a YAML file given on the command line; a missing or unreadable
    /// file is a clear error. A file over the loaders' size limit is judged
    /// from its size alone and never read into memory: its `input_limit`
    /// error comes back instead of its bytes.
    static func read(_ path: String) throws -> (bytes: [UInt8], tooLarge: Diagnostic?) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.message("no such file: \(path)")
        }
        guard !isDirectory.boolValue else { throw CLIError.message("\(path) is a directory, not a file") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue,
           let problem = ConfigLoader.sizeProblem(file: path, size: size) {
            return ([], problem)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.message("cannot read \(path)") }
        return (Array(data), nil)
    }

    /// Loads a desired-state file, printing every diagnostic and failing on errors.
    func loadDesired(_ path: String) throws -> (DesiredState, [UInt8]) {
        let (bytes, tooLarge) = try Session.read(path)
        let (state, loaded) = tooLarge.map { (nil, [$0]) } ?? ConfigLoader.loadDesiredState(bytes, file: path)
        var diagnostics = loaded
        if let card = CardNumberGuard.check(file: path, bytes: bytes) { diagnostics.append(card) }
        guard let state, !diagnostics.hasErrors else {
            // A JSON consumer gets a document with the errors even when the
            // file could not be read as a desired state at all.
            if options.format == .json { Console.out(JSONPlanView.failure(account: nil, diagnostics: diagnostics.sortedForOutput())) }
            printDiagnostics(diagnostics, sources: [path: bytes])
            throw CLIError.reported
        }
        return (state, bytes)
    }

    func printDiagnostics(_ diagnostics: [Diagnostic], sources: [String: [UInt8]]) {
        guard !diagnostics.isEmpty else { return }
        let renderer = DiagnosticRenderer(sources: sources, color: options.errorColor)
        Console.err(renderer.render(diagnostics.sortedForOutput()) + "\n")
    }

    /// `--actor`, else `SEATCTL_ACTOR`, else the operating-system user.
    static func actor(_ flag: String?) throws -> String {
        if let flag, !flag.isEmpty {
            try CardNumberGuard.check(flag: "--actor", value: flag)
            return flag
        }
        let env = ProcessInfo.processInfo.environment
        if let actor = env["SEATCTL_ACTOR"], !actor.isEmpty { return actor }
        return env["USER"] ?? env["LOGNAME"] ?? NSUserName()
    }
}
