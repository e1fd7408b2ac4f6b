import Foundation

/// A position in a source file, 1-based, as editors show it.
///
/// The file is held as its number in the process's table of file names
/// (``SourceFileNames``): a location holds no reference, so copying one,
/// or a value of a desired-state file with its location (a user of a
/// large file has half a dozen), counts no references.
public struct SourceLocation: Hashable, Sendable, Codable, Comparable, CustomReflectable {
    private var fileNumber: Int
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int

    /// The file name as the user gave it (not made absolute).
    public var file: String {
        get { SourceFileNames.shared.name(fileNumber) }
        set { fileNumber = SourceFileNames.shared.number(of: newValue) }
    }

    public init(file: String, line: Int, column: Int) {
        self.init(fileNumber: SourceFileNames.shared.number(of: file), line: line, column: column)
    }

    private init(fileNumber: Int, line: Int, column: Int) {
        self.fileNumber = fileNumber
        self.line = line
        self.column = column
    }

    /// A location in the same file: for a reader that makes one for every
    /// value of a file, without looking the file's name up each time.
    public func moved(toLine line: Int, column: Int) -> SourceLocation {
        SourceLocation(fileNumber: fileNumber, line: line, column: column)
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.fileNumber != rhs.fileNumber { return lhs.file < rhs.file }
        return (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `file:line:column`, the form compilers and editors understand.
    public var description: String { "\(file):\(line):\(column)" }

    /// Shown (by `print`, `dump` and test failures) with its file's name.
    public var customMirror: Mirror {
        Mirror(self, children: ["file": file, "line": line, "column": column], displayStyle: .struct)
    }

    private enum CodingKeys: String, CodingKey {
        case file, line, column
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try container.decode(String.self, forKey: .file), line: try container.decode(Int.self, forKey: .line),
                  column: try container.decode(Int.self, forKey: .column))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
    }
}

/// The file names of ``SourceLocation``s, each numbered once for the
/// process's life: equal names get equal numbers, so locations compare and
/// hash by number. A process reads a handful of files.
final class SourceFileNames: @unchecked Sendable {
    static let shared = SourceFileNames()

    private let lock = NSLock()
    private var names: [String] = []
    private var numbers: [String: Int] = [:]

    func number(of name: String) -> Int {
        lock.withLock {
            if let number = numbers[name] { return number }
            names.append(name)
            numbers[name] = names.count - 1
            return names.count - 1
        }
    }

    func name(_ number: Int) -> String {
        lock.withLock { names[number] }
    }
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
