// SeatConfig: the only module that reads YAML.
//
// It turns the bytes of a desired-state file or a catalog file into SeatCore
// values (`DesiredState`, `Catalog`) plus diagnostics that name
// `file:line:column`, and renders diagnostics for a terminal.
//
// A valid desired-state file without anchors, aliases or tags is read in one
// pass straight from YAML events by `DesiredStateFastPath`: those of
// `CommonYAMLScanner` for a file in the common form, libyaml's for any other
// (`YAMLEventCursor`); any other file, and every catalog, is read the
// reference way below, which is also where every diagnostic comes from.
//
// Reading the reference way happens in two steps. `YAMLComposer` drives
// libyaml's event API into a flat node tree, with no recursion and with
// limits on size, depth and alias expansion checked as the events arrive, so
// hostile files are refused in well under a second. `DesiredStateReader` / `CatalogReader` then walk
// only the keys the schema knows, collecting every problem in one pass.
// Neither step throws: problems are data (`Diagnostic`), and a value is
// returned only when there is no error.

import SeatCore

/// Entry points for reading seatctl's YAML files.
public enum ConfigLoader {
    /// Parses a desired-state file. Never throws: every problem becomes a Diagnostic (severity error),
    /// and the DesiredState is nil when any error was found.
    ///
    /// - Parameters:
    ///   - data: the file's bytes (UTF-8; a byte order mark is allowed).
    ///   - file: the name to put in locations, as the user gave it.
    /// - Returns: diagnostics in file order.
    public static func loadDesiredState(_ data: [UInt8], file: String,
                                        limits: LoaderLimits = .standard) -> (state: DesiredState?, diagnostics: [Diagnostic]) {
        let (state, diagnostics, _) = loadDesiredStateTracingRoute(data, file: file, limits: limits)
        return (state, diagnostics)
    }

    /// How a desired-state file was read.
    enum DesiredStateRoute: Equatable {
        /// Straight from YAML events by `DesiredStateFastPath`.
        case events
        /// By `YAMLComposer` + `DesiredStateReader`, because the fast path gave up.
        case composed(FastPathExit)
    }

    /// `loadDesiredState`, also saying which reader produced the result, so
    /// tests can tell that the fast path is taken where it should be.
    ///
    /// A valid file in the common form is read by the fast path alone. Any
    /// other file is read again from scratch by the composer and the schema
    /// reader, so every diagnostic comes from that one reference reader.
    static func loadDesiredStateTracingRoute(_ data: [UInt8], file: String, limits: LoaderLimits)
        -> (state: DesiredState?, diagnostics: [Diagnostic], route: DesiredStateRoute) {
        if let problem = sizeProblem(file: file, size: data.count, limits: limits) {
            return (nil, [problem], .composed(FastPathExit("a file over the size limit", line: 1)))
        }
        let outcome = data.withUnsafeBufferPointer { bytes in
            DesiredStateFastPath.read(bytes, file: file, limits: limits)
        }
        switch outcome {
        case .state(let state, _):
            return (state, [], .events)
        case .fallBack(let exit):
            let (state, diagnostics) = composeDesiredState(data, file: file, limits: limits)
            return (state, diagnostics, .composed(exit))
        }
    }

    /// The reference reader: composes the whole node tree, then checks it
    /// against the schema. Every desired-state diagnostic comes from here.
    /// Open to the fuzzer in `Fuzz/`, which checks that `loadDesiredState`
    /// gives exactly what this gives, whatever the bytes.
    @_spi(Fuzzing)
    public static func composeDesiredState(_ data: [UInt8], file: String,
                                    limits: LoaderLimits) -> (state: DesiredState?, diagnostics: [Diagnostic]) {
        load(data, file: file, limits: limits) { document in
            DesiredStateReader.read(document, file: file)
        }
    }

    /// Parses a catalog file (format in DESIGN.md: currency + plans). Same contract.
    public static func loadCatalog(_ data: [UInt8], file: String,
                                   limits: LoaderLimits = .standard) -> (catalog: Catalog?, diagnostics: [Diagnostic]) {
        let (catalog, diagnostics) = load(data, file: file, limits: limits) { document in
            CatalogReader.read(document, file: file)
        }
        return (catalog, diagnostics)
    }

    /// The `input_limit` error for a file of `size` bytes, or nil when the
    /// size is within `limits`: lets a caller refuse a file from its size
    /// alone, before reading it into memory.
    public static func sizeProblem(file: String, size: Int, limits: LoaderLimits = .standard) -> Diagnostic? {
        guard size > limits.maxBytes else { return nil }
        return ConfigProblem.fileTooLarge(file: file, bytes: size, limit: limits.maxBytes).diagnostic(at: nil)
    }

    private static func load<Value>(_ data: [UInt8], file: String, limits: LoaderLimits,
                                    read: (YAMLDocument) -> (Value?, [Diagnostic])) -> (Value?, [Diagnostic]) {
        if let problem = sizeProblem(file: file, size: data.count, limits: limits) {
            return (nil, [problem])
        }
        let outcome = data.withUnsafeBufferPointer { bytes in
            YAMLComposer.compose(bytes, file: file, limits: limits)
        }
        switch outcome {
        case .failure(let diagnostic):
            return (nil, [diagnostic])
        case .document(let document):
            let (value, diagnostics) = read(document)
            let ordered = inFileOrder(diagnostics)
            return (ordered.hasErrors ? nil : value, ordered)
        }
    }

    /// Sorted by position, keeping the order found for the same position,
    /// without the repeats that a value reached through several aliases causes.
    static func inFileOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            let left = a.element.location, right = b.element.location
            switch (left, right) {
            case let (l?, r?) where (l.line, l.column) != (r.line, r.column):
                return (l.line, l.column) < (r.line, r.column)
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}
