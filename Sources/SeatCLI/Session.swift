import ArgumentParser
import Foundation
import SeatConfig
import SeatCore
import SeatPostgres
import SeatStore

/// What most commands need: the ledger, the catalog and the clock.
struct Session {
    let options: GlobalOptions
    let now: Date

    init(_ options: GlobalOptions) throws {
        self.options = options
        self.now = try options.clock()
    }

    /// Opens (creating when needed) the ledger. Its writes take the account
    /// lock in the name of `actor` (see ``actor(_:)``) for this command.
    func store(actor: String? = nil) throws -> any LedgerStore {
        try LedgerOpener.open(try location(), lock: try lockSettings(actor: actor))
    }

    /// The ledger if one exists already; never creates one.
    func existingStore(actor: String? = nil) throws -> (any LedgerStore)? {
        try LedgerOpener.openIfExists(try location(), lock: try lockSettings(actor: actor))
    }

    /// The parsed `--state`.
    func location() throws -> LedgerLocation {
        try LedgerLocation(parsing: options.stateLocation)
    }

    /// How this command's writes lock an account: who, for which command
    /// (`apply`, `license buy`, …), `--lock-timeout`, and the lifetime
    /// `SEATCTL_LOCK_TTL` sets (default 10m) should the process die.
    func lockSettings(actor: String?) throws -> LockSettings {
        var ttl = LockSettings.defaultTTL
        if let text = ProcessInfo.processInfo.environment["SEATCTL_LOCK_TTL"], !text.isEmpty {
            guard let seconds = Durations.seconds(text), seconds > 0 else {
                throw CLIError.message("SEATCTL_LOCK_TTL \"\(text)\" is not a duration", hint: "write it as 30s, 10m or 1h")
            }
            ttl = seconds
        }
        return LockSettings(actor: try Session.actor(actor), operation: Session.operation(),
                            timeout: try options.lockTimeoutSeconds(), ttl: ttl)
    }

    /// The command's words before its first option or argument that is not
    /// a subcommand: `apply`, `license buy`, `state copy`.
    static func operation(_ arguments: [String] = CommandLine.arguments) -> String {
        var words: [String] = []
        var command: any ParsableCommand.Type = Seatctl.self
        for argument in arguments.dropFirst() {
            guard let next = command.configuration.subcommands.first(where: { $0.configuration.commandName == argument }) else { break }
            words.append(argument)
            command = next
        }
        return words.isEmpty ? "seatctl" : words.joined(separator: " ")
    }

    /// The ledger, which must exist: for commands that only read it.
    func requiredStore(actor: String? = nil) throws -> any LedgerStore {
        guard let store = try existingStore(actor: actor) else {
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

    /// A file as ``read(_:)`` gives it: its bytes, or the `input_limit`
    /// error of a file too large to read.
    typealias FileRead = (bytes: [UInt8], tooLarge: Diagnostic?)

    /// Reads a YAML file given on the command line; a missing or unreadable
    /// file is a clear error. A file over the loaders' size limit is judged
    /// from its size alone and never read into memory: its `input_limit`
    /// error comes back instead of its bytes.
    static func read(_ path: String) throws -> FileRead {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.message("no such file: \(path)")
        }
        guard !isDirectory.boolValue else { throw CLIError.message("\(path) is a directory, not a file") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue,
           let problem = ConfigLoader.sizeProblem(file: path, size: size) {
            return ([], problem)
        }
        guard let bytes = contents(of: path) else { throw CLIError.message("cannot read \(path)") }
        return (bytes, nil)
    }

    /// The whole file, read straight into an array: one copy from the
    /// kernel instead of two through `Data` (a 9 MB file in 5–8 ms instead
    /// of 9–10). nil when it cannot be opened or read. Anything but a regular
    /// file (a pipe) is read to its end through `FileHandle`.
    static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFREG else {
            // `readToEnd()` gives nil for a pipe that ends without a byte: an empty file, not a missing one.
            do {
                return Array(try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).readToEnd() ?? Data())
            } catch {
                return nil
            }
        }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let read = Foundation.read(descriptor, buffer.baseAddress! + count, size - count)
                if read < 0, errno == EINTR { continue }
                guard read > 0 else {
                    failed = read < 0
                    break
                }
                count += read
            }
        }
        return failed ? nil : bytes
    }

    /// Loads a desired-state file, printing every diagnostic and failing on errors.
    func loadDesired(_ path: String) throws -> (DesiredState, [UInt8]) {
        try loadDesired(path, read: try Session.read(path))
    }

    /// ``loadDesired(_:)`` of a file already read with ``read(_:)``.
    func loadDesired(_ path: String, read: FileRead) throws -> (DesiredState, [UInt8]) {
        let (bytes, tooLarge) = read
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
