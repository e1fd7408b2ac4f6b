import SeatCore

/// Everything the loaders can refuse, with the values each message names.
/// Every message and hint is written here, so their wording stays consistent
/// and a test can find them in one place.
enum ConfigProblem {
    // Input limits.
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    case tooDeep(limit: Int)
    case tooManyNodes(limit: Int)
    case aliasExpansion(limit: Int)
    case aliasAmplification(expanded: Int, written: Int)

    // The YAML layer.
    case emptyFile
    case onlyComments
    case emptyDocument
    case multipleDocuments
    case utf16
    case notUTF8(detail: String)
    case controlCharacter(value: UInt32)
    case tabIndentation
    case syntax(message: String, hint: String?)
    case undefinedAlias(name: String)
    case recursiveAlias(name: String)
    case mergeKey
    case nonScalarKey(found: String)
    case nullKey
    case customTag(tag: String)

    // The schema.
    case swappedFile(isCatalogExpected: Bool)
    case notAMapping(what: String, found: String, example: String)
    case unknownKey(key: String, context: String, suggestion: String?, validKeys: [String])
    case missingKey(key: String, context: String?, example: String)
    case duplicateKey(key: String, firstLine: Int)
    case duplicateUser(email: String, firstLine: Int, firstSpelling: String)
    case duplicateItem(item: String, field: String, firstLine: Int)
    case wrongType(field: String, expected: String, found: String, hint: String?)
    case notBoolean(field: String, text: String)
    case invalidSlug(what: String, value: String)
    case unknownValue(what: String, value: String, suggestion: String?, expected: [String])
    case unknownTimeZone(value: String, suggestion: String?)
    case notWholeNumber(field: String, text: String)
    case negative(field: String, text: String)
    case outOfRange(field: String, text: String, range: ClosedRange<Int>)
    case invalidEmail(email: String, reason: String)
    case invalidDomain(field: String, domain: String)
    case invalidName(field: String, value: String, reason: String)
    case notAnAmount(field: String, text: String)
    case unquotedAmount(field: String, text: String)
    case negativeAmount(field: String, text: String)
    case money(field: String, error: MoneyError)
    case contractMonthsNotAllowed(plan: String)
    case emptyList(field: String, expected: [String])
    case minAboveMax(min: Int, max: Int)

    var code: RuleCode {
        switch self {
        case .fileTooLarge, .tooDeep, .tooManyNodes, .aliasExpansion, .aliasAmplification:
            return .inputLimit
        case .emptyFile, .onlyComments, .emptyDocument, .multipleDocuments, .utf16, .notUTF8, .controlCharacter,
             .tabIndentation, .syntax, .undefinedAlias, .recursiveAlias, .mergeKey:
            return .yamlSyntax
        case .unknownKey:
            return .unknownKey
        case .missingKey:
            return .missingKey
        case .duplicateKey, .duplicateUser, .duplicateItem:
            return .duplicateKey
        case .wrongType, .notBoolean, .notAMapping, .customTag, .unquotedAmount, .swappedFile:
            return .wrongType
        case .nonScalarKey, .nullKey, .invalidSlug, .unknownValue, .unknownTimeZone, .notWholeNumber, .negative,
             .outOfRange, .invalidEmail, .invalidDomain, .invalidName, .notAnAmount, .negativeAmount, .money,
             .contractMonthsNotAllowed, .emptyList, .minAboveMax:
            return .invalidValue
        }
    }

    var message: String {
        switch self {
        case let .fileTooLarge(file, bytes, limit):
            return "\(quoted(file)) is \(bytes) bytes, more than the limit of \(limit) bytes"
        case .tooDeep(let limit):
            return "the file nests more than \(limit) levels deep"
        case .tooManyNodes(let limit):
            return "the file has more than \(limit) values"
        case .aliasExpansion(let limit):
            return "aliases expand the file to more than \(limit) values"
        case let .aliasAmplification(expanded, written):
            return "aliases expand the file to \(expanded) values, more than 10 times the \(written) written"
        case .emptyFile:
            return "the file is empty"
        case .onlyComments:
            return "the file has only comments, no YAML document"
        case .emptyDocument:
            return "the YAML document is empty"
        case .multipleDocuments:
            return "the file holds more than one YAML document; seatctl reads exactly one"
        case .utf16:
            return "the file is UTF-16; seatctl reads UTF-8"
        case .notUTF8(let detail):
            return "the file is not valid UTF-8: \(detail)"
        case .controlCharacter(let value):
            if value == 0 { return "the file contains a NUL byte" }
            return "the file contains the control character U+\(hex4(value))"
        case .tabIndentation:
            return "a tab character is used for indentation; YAML indents with spaces only"
        case .syntax(let message, _):
            return "YAML syntax error: \(message)"
        case .undefinedAlias(let name):
            return "alias *\(name) refers to an anchor &\(name) that is not defined before it"
        case .recursiveAlias(let name):
            return "alias *\(name) refers to the value that contains it"
        case .mergeKey:
            return "merge keys (<<) are not supported"
        case .nonScalarKey(let found):
            return "a key must be a plain value, not \(found)"
        case .nullKey:
            return "a key is empty"
        case .customTag(let tag):
            return "unsupported YAML tag \(quoted(tag))"
        case .swappedFile(let isCatalogExpected):
            return isCatalogExpected
                ? "this looks like a desired-state file, not a catalog (it has \"account:\" and no \"currency:\")"
                : "this looks like a catalog file, not a desired-state file (it has \"currency:\" and no \"account:\")"
        case let .notAMapping(what, found, _):
            return "\(what) must be a mapping, not \(found)"
        case let .unknownKey(key, context, _, _):
            return "unknown key \(quoted(key)) \(context)"
        case let .missingKey(key, context, _):
            if let context { return "\(context) is missing required key \(quoted(key))" }
            return "missing required key \(quoted(key))"
        case let .duplicateKey(key, firstLine):
            return "duplicate key \(quoted(key)) (first at line \(firstLine))"
        case let .duplicateUser(email, firstLine, _):
            return "duplicate user \(quoted(email)) (first at line \(firstLine))"
        case let .duplicateItem(item, field, firstLine):
            return "\(quoted(item)) is listed twice in \(field) (first at line \(firstLine))"
        case let .wrongType(field, expected, found, _):
            return "\(field) must be \(expected), not \(found)"
        case let .notBoolean(field, text):
            return "\(field) must be true or false, not \(quoted(text))"
        case let .invalidSlug(what, value):
            return "\(quoted(value)) is not a valid \(what)"
        case let .unknownValue(what, value, _, _):
            return "unknown \(what) \(quoted(value))"
        case let .unknownTimeZone(value, _):
            return "unknown time zone \(quoted(value))"
        case let .notWholeNumber(field, text):
            return "\(field) must be a whole number, not \(text)"
        case let .negative(field, text):
            return "\(field) must be 0 or more, not \(text)"
        case let .outOfRange(field, text, range):
            return "\(field) must be between \(range.lowerBound) and \(range.upperBound), not \(abbreviated(text))"
        case let .invalidEmail(email, reason):
            return "\(quoted(email)) is not a valid email address: \(reason)"
        case let .invalidDomain(field, domain):
            return "\(quoted(domain)) in \(field) is not a domain name"
        case let .invalidName(field, value, reason):
            return "\(field) \(quoted(value)) \(reason)"
        case let .notAnAmount(field, text):
            return "\(field) \(quoted(text)) is not a decimal amount"
        case let .unquotedAmount(field, text):
            return "\(field) must be a quoted decimal string, not the number \(abbreviated(text))"
        case let .negativeAmount(field, text):
            return "\(field) \(quoted(text)) must not be negative"
        case let .money(field, error):
            return "\(field): \(error.description)"
        case .contractMonthsNotAllowed(let plan):
            return "contractMonths is set for plan \(quoted(plan)), whose commitment is flexible"
        case let .emptyList(field, _):
            return "\(field) must not be empty"
        case let .minAboveMax(min, max):
            return "licenses min (\(min)) is greater than max (\(max))"
        }
    }

    var hint: String? {
        switch self {
        case .fileTooLarge:
            return "a desired-state or catalog file is far smaller; check that this is the right file"
        case .tooDeep:
            return "seatctl files need only a few levels; look for unbalanced brackets or runaway indentation"
        case .tooManyNodes:
            return "split the file, or check that this is the right file"
        case .aliasExpansion, .aliasAmplification:
            return "an alias may repeat a value, not multiply the file; write the values out"
        case .emptyFile, .onlyComments, .emptyDocument:
            return "a desired-state file needs at least \"account:\" and \"kind:\"; a catalog needs \"currency:\" and \"plans:\""
        case .multipleDocuments:
            return "remove the \"---\" line that starts the second document, or split the documents into separate files"
        case .utf16, .notUTF8:
            return "save the file as UTF-8"
        case .controlCharacter(let value):
            if value == 0 { return "remove it; the file may be binary or saved in the wrong encoding" }
            return "remove it; in a double-quoted string it can be written as \\u\(hex4(value))"
        case .tabIndentation:
            return "replace the tab with spaces"
        case .syntax(_, let hint):
            return hint
        case .undefinedAlias(let name):
            return "define the value with &\(name) before using *\(name)"
        case .recursiveAlias:
            return "an alias cannot refer to a value that is still being written"
        case .mergeKey:
            return "write the keys out, or alias a whole value (key: *anchor)"
        case .nonScalarKey, .nullKey:
            return "write the key as a plain name, e.g. \"name: value\""
        case .customTag:
            return "remove the tag; seatctl reads plain YAML values"
        case .swappedFile(let isCatalogExpected):
            return isCatalogExpected
                ? "check it with `seatctl validate`, preview it with `seatctl plan`"
                : "load it with `seatctl catalog import`"
        case let .notAMapping(_, _, example):
            return "write it as \(example)"
        case let .unknownKey(_, _, suggestion, validKeys):
            if let suggestion { return "did you mean \(quoted(suggestion))?" }
            return "expected one of: " + validKeys.joined(separator: ", ")
        case .missingKey(_, _, let example):
            return "add \(example)"
        case let .duplicateUser(email, _, firstSpelling):
            if firstSpelling != email {
                return "emails compare case-insensitively: \(quoted(email)) is the same user as \(quoted(firstSpelling))"
            }
            return "merge the two entries into one"
        case .duplicateKey, .duplicateItem:
            return "remove one of them"
        case .wrongType(_, _, _, let hint):
            return hint
        case let .notBoolean(field, text):
            let lower = text.lowercased()
            let guess = ["yes", "y", "on", "true"].contains(lower) ? "true"
                : ["no", "n", "off", "false"].contains(lower) ? "false" : nil
            let example = guess.map { "; write \"\(field): \($0)\"" } ?? ""
            return "only true and false are booleans (YAML 1.1 words such as yes, no, on, off are not)" + example
        case .invalidSlug(let what, let value):
            let lowered = value.lowercased()
            if lowered != value && Validation.isSlug(lowered) { return "did you mean \(quoted(lowered))?" }
            return "\(article(what)) \(what) uses lowercase letters, digits and hyphens, starts with a letter or digit, and has at most 63 characters"
        case let .unknownValue(_, _, suggestion, expected):
            if let suggestion { return "did you mean \(quoted(suggestion))?" }
            return "expected " + listed(expected)
        case .unknownTimeZone(_, let suggestion):
            if let suggestion { return "did you mean \(quoted(suggestion))?" }
            return "use an IANA time zone name such as \"Europe/London\", \"America/New_York\" or \"UTC\""
        case .notWholeNumber:
            return "counts are whole numbers"
        case .negative:
            return nil
        case .outOfRange:
            return nil
        case .invalidEmail:
            return "write it as local@domain, e.g. alice@acme.com"
        case .invalidDomain:
            return "write a domain such as acme.com"
        case .invalidName:
            return "a name is one line of at most \(Validation.maxNameLength) characters, without control or invisible characters"
        case .notAnAmount(let field, _):
            return "write it as a quoted decimal such as \(field): \"2500.00\""
        case let .unquotedAmount(field, text):
            return "quote it, \(field): \"\(abbreviated(text))\": unquoted numbers are floating point and may lose cents"
        case .negativeAmount:
            return nil
        case .money:
            return nil
        case .contractMonthsNotAllowed:
            return "remove contractMonths, or set commitment: contracted"
        case let .emptyList(_, expected):
            return "list at least one of " + listed(expected)
        case .minAboveMax:
            return nil
        }
    }

    func diagnostic(at location: SourceLocation?) -> Diagnostic {
        Diagnostic.error(code, message, at: location, hint: hint)
    }
}

/// `"value"`, shortened when long so one odd value cannot flood the terminal.
func quoted(_ value: String) -> String {
    "\"" + abbreviated(value) + "\""
}

/// The value, cut to 80 scalars with an ellipsis.
func abbreviated(_ value: String) -> String {
    let limit = 80
    var count = 0
    var end = value.unicodeScalars.startIndex
    for index in value.unicodeScalars.indices {
        if count == limit { return String(value.unicodeScalars[..<end]) + "…" }
        count += 1
        end = value.unicodeScalars.index(after: index)
    }
    return value
}

/// "a, b or c".
func listed(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " or " + items.last!
}

/// "a" or "an", by the word's first letter.
private func article(_ word: String) -> String {
    guard let first = word.first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}

private func hex4(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}
