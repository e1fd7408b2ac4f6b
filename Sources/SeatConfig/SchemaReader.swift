import SeatCore

/// Reads typed values out of a `YAMLDocument` and collects a diagnostic for
/// every value that does not fit, so one run reports all of a file's
/// problems. Each typed read returns nil after reporting a problem (or for an
/// optional value written as null, which means "use the default").
///
/// Only the keys the schema knows are descended into, so the depth of the
/// calls here is bounded by the schema, whatever the input's nesting.
struct SchemaReader {
    let document: YAMLDocument
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    /// The file's first line: every location is made from it.
    private let origin: SourceLocation

    init(document: YAMLDocument, file: String) {
        self.document = document
        self.file = file
        origin = SourceLocation(file: file, line: 1, column: 1)
    }

    // MARK: Reporting

    mutating func report(_ problem: ConfigProblem, at node: Int32) {
        diagnostics.append(problem.diagnostic(at: location(node)))
    }

    mutating func report(_ problem: ConfigProblem, at location: SourceLocation?) {
        diagnostics.append(problem.diagnostic(at: location))
    }

    func location(_ node: Int32) -> SourceLocation {
        document.location(node, in: origin)
    }

    func line(_ node: Int32) -> Int {
        Int(document.nodes[Int(node)].line)
    }

    // MARK: Classifying scalars

    /// What a scalar means under the YAML 1.2 core schema, narrowed the way
    /// seatctl wants: only `true` and `false` are booleans.
    enum Value {
        case null
        case bool(Bool)
        case integer(String)
        case float(String)
        /// `isQuoted`: written in quotes or as a block scalar.
        case string(String, isQuoted: Bool)
    }

    func value(of node: YAMLDocument.Node) -> Value {
        let text = document.text(of: node)
        if node.tag == .string || (node.style != .plain && node.tag != .standard) {
            return .string(text, isQuoted: node.style != .plain)
        }
        switch PlainScalar.kind(of: text.utf8) {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .integer: return .integer(text)
        case .float: return .float(text)
        case .string: return .string(text, isQuoted: false)
        }
    }

    static func isInteger(_ text: String) -> Bool {
        PlainScalar.isInteger(text.utf8)
    }

    /// "a mapping", "the quoted string \"12\"", ...: what was found where
    /// something else was expected.
    func describe(_ index: Int32) -> String {
        let node = document.resolved(index)
        switch node.kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar, .alias: break
        }
        switch value(of: node) {
        case .null: return "null"
        case .bool(let flag): return "the boolean \(flag)"
        case .integer(let text), .float(let text): return "the number \(abbreviated(text))"
        case let .string(text, isQuoted): return (isQuoted ? "the quoted string " : "the string ") + quoted(text)
        }
    }

    /// Reports a custom tag on the node; true when the node is usable.
    private mutating func checkTag(_ index: Int32) -> Bool {
        let resolved = document.resolvedIndex(index)
        guard document.nodes[Int(resolved)].tag == .custom else { return true }
        report(.customTag(tag: document.customTags[resolved] ?? "!"), at: index)
        return false
    }

    func isNull(_ index: Int32) -> Bool {
        let node = document.resolved(index)
        guard node.kind == .scalar else { return false }
        if case .null = value(of: node) { return true }
        return false
    }

    // MARK: Mappings

    /// The entries of a mapping with a fixed set of keys: the first value
    /// given for each known key. Reports unknown, duplicate and unusable keys.
    struct Fields {
        let names: [String]
        fileprivate(set) var keys: [Int32?]
        fileprivate(set) var values: [Int32?]
        /// Known keys that some unknown key was reported as a likely misspelling of.
        fileprivate(set) var suggested: Set<String> = []

        /// The value node written for `name`, if any.
        func value(_ name: String) -> Int32? {
            guard let slot = names.firstIndex(of: name) else { preconditionFailure("\(name) is not a schema key") }
            return values[slot]
        }

        /// The key node for `name`, if written.
        func key(_ name: String) -> Int32? {
            guard let slot = names.firstIndex(of: name) else { preconditionFailure("\(name) is not a schema key") }
            return keys[slot]
        }
    }

    /// `context` completes "unknown key "x" …", e.g. `in user "alice@acme.com"`.
    mutating func fields(of mapping: Int32, names: [String], context: @autoclosure () -> String) -> Fields {
        var fields = Fields(names: names, keys: Array(repeating: nil, count: names.count),
                            values: Array(repeating: nil, count: names.count))
        for entry in entries(of: mapping) {
            guard let slot = names.firstIndex(of: entry.name) else {
                let suggestion = Suggestion.nearest(to: entry.name, in: names)
                if let suggestion { fields.suggested.insert(suggestion) }
                report(.unknownKey(key: entry.name, context: context(), suggestion: suggestion, validKeys: names),
                       at: entry.key)
                continue
            }
            if let first = fields.keys[slot] {
                report(.duplicateKey(key: entry.name, firstLine: line(first)), at: entry.key)
                continue
            }
            fields.keys[slot] = entry.key
            fields.values[slot] = entry.value
        }
        return fields
    }

    /// Reports a required key as missing, unless an unknown key was already
    /// reported as its misspelling ("did you mean "account"?" says it all).
    mutating func reportMissing(_ key: String, in fields: Fields, context: String?, example: String, at node: Int32) {
        guard !fields.suggested.contains(key) else { return }
        report(.missingKey(key: key, context: context, example: example), at: node)
    }

    struct Entry {
        var key: Int32
        var name: String
        var value: Int32
    }

    /// The entries of a mapping whose keys are usable names (scalars other
    /// than null and `<<`); the others are reported and skipped. The caller
    /// checks for duplicates, since what counts as one depends on the map.
    mutating func entries(of mapping: Int32) -> [Entry] {
        let node = document.resolved(mapping)
        let items = document.entries(of: node)
        var result: [Entry] = []
        result.reserveCapacity(items.count / 2)
        var i = items.startIndex
        while i + 1 < items.endIndex {
            let key = items[i], value = items[i + 1]
            i += 2
            let keyNode = document.resolved(key)
            guard keyNode.kind == .scalar else {
                report(.nonScalarKey(found: describe(key)), at: key)
                continue
            }
            guard checkTag(key) else { continue }
            if case .null = self.value(of: keyNode) {
                report(.nullKey, at: key)
                continue
            }
            let name = document.text(of: keyNode)
            if name == "<<" && keyNode.style == .plain {
                report(.mergeKey, at: key)
                continue
            }
            result.append(Entry(key: key, name: name, value: value))
        }
        return result
    }

    /// True when the mapping has a scalar key spelled `name`; reports nothing.
    func hasKey(_ mapping: Int32, _ name: String) -> Bool {
        let items = document.entries(of: document.resolved(mapping))
        return stride(from: items.startIndex, to: items.endIndex, by: 2).contains { i in
            let key = document.resolved(items[i])
            return key.kind == .scalar && document.text(of: key) == name
        }
    }

    /// The key node spelled `name` in the mapping, if any; reports nothing.
    func key(_ mapping: Int32, _ name: String) -> Int32? {
        let items = document.entries(of: document.resolved(mapping))
        return stride(from: items.startIndex, to: items.endIndex, by: 2).lazy.map { items[$0] }.first { index in
            let key = document.resolved(index)
            return key.kind == .scalar && document.text(of: key) == name
        }
    }

    /// True when the node is a mapping; otherwise reports it (`what` names
    /// the value, `example` shows the right form).
    mutating func expectMapping(_ index: Int32, what: @autoclosure () -> String,
                                example: @autoclosure () -> String) -> Bool {
        guard checkTag(index) else { return false }
        if document.resolved(index).kind == .mapping { return true }
        report(.notAMapping(what: what(), found: describe(index), example: example()), at: index)
        return false
    }

    /// Checks the document's root is a mapping, and not the other kind of
    /// seatctl file: a catalog has `currency` and no `account`, a
    /// desired-state file the reverse.
    mutating func expectRoot(_ root: Int32, isCatalogExpected: Bool, what: String, example: String) -> Bool {
        guard expectMapping(root, what: what, example: example) else { return false }
        let (foreign, own) = isCatalogExpected ? ("account", "currency") : ("currency", "account")
        if let key = key(root, foreign), !hasKey(root, own) {
            report(.swappedFile(isCatalogExpected: isCatalogExpected), at: key)
            return false
        }
        return true
    }

    // MARK: Typed scalars

    /// A display name: a string that passes `Validation.nameProblem`.
    mutating func displayName(_ index: Int32, field: String, isRequired: Bool = false) -> Located<String>? {
        guard let name = string(index, field: field, isRequired: isRequired) else { return nil }
        if let problem = Validation.nameProblem(name.value) {
            report(.invalidName(field: field, value: name.value, reason: problem), at: index)
            return nil
        }
        return name
    }

    mutating func string(_ index: Int32, field: String, isRequired: Bool = false) -> Located<String>? {
        guard checkTag(index) else { return nil }
        let node = document.resolved(index)
        guard node.kind == .scalar else {
            report(.wrongType(field: field, expected: "a string", found: describe(index), hint: nil), at: index)
            return nil
        }
        switch value(of: node) {
        case .null:
            if isRequired {
                report(.wrongType(field: field, expected: "a string", found: "null", hint: nil), at: index)
            }
            return nil
        case .bool(let flag):
            report(.wrongType(field: field, expected: "a string", found: "the boolean \(flag)",
                              hint: "quote it: \(field): \"\(flag)\""), at: index)
            return nil
        case .integer(let text), .float(let text), .string(let text, _):
            return Located(text, at: location(index))
        }
    }

    mutating func bool(_ index: Int32, field: String) -> Located<Bool>? {
        guard checkTag(index) else { return nil }
        let node = document.resolved(index)
        guard node.kind == .scalar else {
            report(.wrongType(field: field, expected: "true or false", found: describe(index), hint: nil), at: index)
            return nil
        }
        switch value(of: node) {
        case .null:
            return nil
        case .bool(let flag):
            return Located(flag, at: location(index))
        case let .string(text, isQuoted) where isQuoted:
            let hint = (text == "true" || text == "false") ? "remove the quotes: \(field): \(text)" : nil
            report(.wrongType(field: field, expected: "true or false", found: describe(index), hint: hint), at: index)
            return nil
        case .integer(let text), .float(let text), .string(let text, _):
            report(.notBoolean(field: field, text: text), at: index)
            return nil
        }
    }

    /// A whole number in `range`. `expected` describes the accepted values
    /// in wrong-type messages ("a whole number or auto").
    mutating func integer(_ index: Int32, field: String, range: ClosedRange<Int>,
                          expected: String = "a whole number", isRequired: Bool = false) -> Located<Int>? {
        guard checkTag(index) else { return nil }
        let node = document.resolved(index)
        guard node.kind == .scalar else {
            report(.wrongType(field: field, expected: expected, found: describe(index), hint: nil), at: index)
            return nil
        }
        switch value(of: node) {
        case .null:
            if isRequired {
                report(.wrongType(field: field, expected: expected, found: "null", hint: nil), at: index)
            }
            return nil
        case .integer(let text):
            guard let number = Int(text) else {
                // More digits than Int holds: far out of any range.
                if text.hasPrefix("-") && range.lowerBound >= 0 {
                    report(.negative(field: field, text: abbreviated(text)), at: index)
                } else {
                    report(.outOfRange(field: field, text: text, range: range), at: index)
                }
                return nil
            }
            if number < 0 && range.lowerBound >= 0 {
                report(.negative(field: field, text: text), at: index)
                return nil
            }
            guard range.contains(number) else {
                report(.outOfRange(field: field, text: text, range: range), at: index)
                return nil
            }
            return Located(number, at: location(index))
        case .float(let text):
            report(.notWholeNumber(field: field, text: abbreviated(text)), at: index)
            return nil
        case let .string(text, isQuoted):
            let hint = isQuoted && (Self.isInteger(text) || text == "auto")
                ? "remove the quotes: \(field): \(text)" : nil
            report(.wrongType(field: field, expected: expected, found: describe(index), hint: hint), at: index)
            return nil
        case .bool:
            report(.wrongType(field: field, expected: expected, found: describe(index), hint: nil), at: index)
            return nil
        }
    }

    /// A list of strings, each located at its item. Null is an empty list.
    mutating func stringList(_ index: Int32, field: String) -> [Located<String>]? {
        guard checkTag(index) else { return nil }
        let node = document.resolved(index)
        switch node.kind {
        case .sequence:
            var result: [Located<String>] = []
            result.reserveCapacity(Int(node.count))
            var isValid = true
            for item in document.entries(of: node) {
                if let text = string(item, field: "each item of \(field)", isRequired: true) {
                    result.append(text)
                } else {
                    isValid = false
                }
            }
            return isValid ? result : nil
        case .scalar where isNull(index):
            return []
        case .scalar:
            let text = document.text(of: node)
            report(.wrongType(field: field, expected: "a list", found: describe(index),
                              hint: "write \(field): [\(abbreviated(text))]"), at: index)
            return nil
        default:
            report(.wrongType(field: field, expected: "a list", found: describe(index), hint: nil), at: index)
            return nil
        }
    }

    /// One of a fixed set of words; an unknown one is reported with the
    /// nearest valid word, or one it is a prefix of (`admin` → `administrator`).
    mutating func choice<T: Hashable & Sendable>(_ index: Int32, field: String, what: String, options: [(String, T)],
                            isRequired: Bool = false) -> Located<T>? {
        guard let text = string(index, field: field, isRequired: isRequired) else { return nil }
        if let match = options.first(where: { $0.0 == text.value }) {
            return Located(match.1, at: text.location)
        }
        let names = options.map(\.0)
        let suggestion = Suggestion.nearest(to: text.value, in: names)
            ?? (text.value.count >= 3 ? names.first { $0.hasPrefix(text.value.lowercased()) } : nil)
        report(.unknownValue(what: what, value: text.value, suggestion: suggestion, expected: names), at: index)
        return nil
    }
}
