/// A position in a source file, 1-based, as editors show it.
public struct SourceLocation: Hashable, Sendable, Codable, Comparable {
    /// The file name as the user gave it (not made absolute).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    /// `file:line:column`, the form compilers and editors understand.
    public var description: String { "\(file):\(line):\(column)" }
}

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable {
    case error
    case warning

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .error && rhs == .warning
    }
}

/// One problem found in a file or in a plan: a stable code, a message, where
/// it is and what to do about it. Loaders and the planner collect every
/// diagnostic and report them together rather than stopping at the first.
public struct Diagnostic: Hashable, Sendable {
    /// Error or warning. Errors make `validate`, `plan` and `apply` exit 1.
    public var severity: Severity
    /// A stable identifier (a rule code such as `assigned_license`, or a
    /// file-format code such as `unknown_key`). Scripts and tests match on it.
    public var code: String
    /// One sentence saying what is wrong, naming the offending value.
    public var message: String
    /// Where in which file, when the problem has a place.
    public var location: SourceLocation?
    /// What to do about it, e.g. a "did you mean" suggestion.
    public var hint: String?

    public init(_ severity: Severity, code: String, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
    }

    public static func error(_ code: RuleCode, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, code: code.rawValue, message, at: location, hint: hint)
    }

    public static func warning(_ code: RuleCode, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, code: code.rawValue, message, at: location, hint: hint)
    }
}

extension Array where Element == Diagnostic {
    /// True when any element is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }

    /// Stable order for output: by location (diagnostics without one last),
    /// then code, then message. Keeps output byte-identical across runs.
    public func sortedForOutput() -> [Diagnostic] {
        sorted { a, b in
            switch (a.location, b.location) {
            case let (l?, r?) where l != r: return l < r
            case (nil, _?): return false
            case (_?, nil): return true
            default: return (a.code, a.message) < (b.code, b.message)
            }
        }
    }
}
