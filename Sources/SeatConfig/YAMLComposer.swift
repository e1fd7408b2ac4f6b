import CYaml
import SeatCore

/// Turns a file's bytes into a `YAMLDocument` using libyaml's event API.
///
/// Yams' own composer recurses once per nesting level and expands aliases
/// eagerly, so a deeply nested file overflows the stack and a "billion
/// laughs" file takes gigabytes. This one keeps an explicit stack, refuses
/// nesting deeper than `LoaderLimits.maxDepth` as soon as it is seen, and
/// never copies an aliased node: it only adds up how large the expansion
/// would be and refuses the file once that passes the limits.
///
/// Errors here stop composing (there is no tree to check afterwards), so
/// composing yields either a document or exactly one diagnostic.
struct YAMLComposer {
    enum Outcome {
        case document(YAMLDocument)
        case failure(Diagnostic)
    }

    private struct Frame {
        var node: Int32
        /// Where this collection's children start in `pending`.
        var pendingStart: Int
        /// `expanded` before this collection started, to size it at its end.
        var expandedAtStart: Int
        var anchor: String?
    }

    private struct Anchor {
        var node: Int32
        /// Nodes the anchored value stands for once fully expanded.
        var size: Int
    }

    let file: String
    let limits: LoaderLimits

    private var document = YAMLDocument()
    private var stack: [Frame] = []
    /// Children of the open collections, innermost last.
    private var pending: [Int32] = []
    private var anchors: [String: Anchor] = [:]
    /// Nodes in the text (an alias counts as one).
    private var written = 0
    /// Nodes after expanding every alias.
    private var expanded = 0
    private var firstAliasLocation: SourceLocation?

    init(file: String, limits: LoaderLimits) {
        self.file = file
        self.limits = limits
    }

    static func compose(_ bytes: UnsafeBufferPointer<UInt8>, file: String, limits: LoaderLimits) -> Outcome {
        var composer = YAMLComposer(file: file, limits: limits)
        return composer.run(bytes)
    }

    private mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        if bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
            return .failure(ConfigProblem.utf16.diagnostic(at: SourceLocation(file: file, line: 1, column: 1)))
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return .failure(ConfigProblem.emptyFile.diagnostic(at: SourceLocation(file: file, line: 1, column: 1)))
        }

        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return .failure(ConfigProblem.syntax(message: "the YAML parser could not start (out of memory)", hint: nil)
                .diagnostic(at: SourceLocation(file: file, line: 1, column: 1)))
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, base, bytes.count)

        var event = yaml_event_t()
        var documents = 0
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                return .failure(parserFailure(parser, bytes))
            }
            defer { yaml_event_delete(&event) }
            let line = Int32(truncatingIfNeeded: event.start_mark.line + 1)
            let column = Int32(truncatingIfNeeded: event.start_mark.column + 1)

            switch event.type {
            case YAML_STREAM_END_EVENT:
                return finish(documents: documents, bytes: bytes)

            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    return .failure(ConfigProblem.multipleDocuments.diagnostic(at: location(line, column)))
                }

            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
                let style: YAMLDocument.Style
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                let index = Int32(document.nodes.count)
                document.scalars.append(text)
                let node = YAMLDocument.Node(kind: .scalar, style: style, tag: tag(scalar.tag, node: index),
                                             line: line, column: column,
                                             first: Int32(document.scalars.count - 1), count: 0)
                if let failure = add(node) { return .failure(failure) }
                expanded += 1
                if let anchor = scalar.anchor {
                    anchors[String(cString: anchor)] = Anchor(node: index, size: 1)
                }

            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                if stack.count >= limits.maxDepth {
                    return .failure(ConfigProblem.tooDeep(limit: limits.maxDepth).diagnostic(at: location(line, column)))
                }
                let rawTag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                let rawAnchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                let isFlow = isMapping
                    ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                    : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                let index = Int32(document.nodes.count)
                let node = YAMLDocument.Node(kind: isMapping ? .mapping : .sequence, style: isFlow ? .flow : .block,
                                             tag: tag(rawTag, node: index), line: line, column: column,
                                             first: 0, count: 0)
                if let failure = add(node) { return .failure(failure) }
                stack.append(Frame(node: index, pendingStart: pending.count, expandedAtStart: expanded,
                                   anchor: rawAnchor.map { String(cString: $0) }))
                expanded += 1

            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                let start = document.children.count
                document.children.append(contentsOf: pending[frame.pendingStart...])
                document.nodes[Int(frame.node)].first = Int32(start)
                document.nodes[Int(frame.node)].count = Int32(pending.count - frame.pendingStart)
                pending.removeSubrange(frame.pendingStart...)
                if let anchor = frame.anchor {
                    anchors[anchor] = Anchor(node: frame.node, size: expanded - frame.expandedAtStart)
                }

            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                let here = location(line, column)
                guard let anchor = anchors[name] else {
                    let isEnclosing = stack.contains { $0.anchor == name }
                    let problem: ConfigProblem = isEnclosing ? .recursiveAlias(name: name) : .undefinedAlias(name: name)
                    return .failure(problem.diagnostic(at: here))
                }
                if firstAliasLocation == nil { firstAliasLocation = here }
                let node = YAMLDocument.Node(kind: .alias, style: .plain, tag: .none, line: line, column: column,
                                             first: anchor.node, count: 0)
                if let failure = add(node) { return .failure(failure) }
                expanded += anchor.size
                if expanded > limits.maxNodes {
                    return .failure(ConfigProblem.aliasExpansion(limit: limits.maxNodes).diagnostic(at: here))
                }

            default:
                break   // stream start, document end
            }
        }
    }

    /// Appends a node as the next child of the open collection (or as the root).
    private mutating func add(_ node: YAMLDocument.Node) -> Diagnostic? {
        written += 1
        if written > limits.maxNodes {
            return ConfigProblem.tooManyNodes(limit: limits.maxNodes)
                .diagnostic(at: location(node.line, node.column))
        }
        let index = Int32(document.nodes.count)
        document.nodes.append(node)
        if stack.isEmpty {
            document.root = index
        } else {
            pending.append(index)
        }
        return nil
    }

    private func finish(documents: Int, bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        if documents == 0 {
            let hasComment = bytes.contains(UInt8(ascii: "#"))
            let problem: ConfigProblem = hasComment ? .onlyComments : .emptyFile
            return .failure(problem.diagnostic(at: SourceLocation(file: file, line: 1, column: 1)))
        }
        let root = document.nodes[Int(document.root)]
        if root.kind == .scalar && root.style == .plain && root.tag == .none && document.text(of: root).isEmpty {
            return .failure(ConfigProblem.emptyDocument.diagnostic(at: location(root.line, root.column)))
        }
        if expanded > 10 * written + 1000 {
            return .failure(ConfigProblem.aliasAmplification(expanded: expanded, written: written)
                .diagnostic(at: firstAliasLocation))
        }
        return .document(document)
    }

    private mutating func tag(_ raw: UnsafeMutablePointer<yaml_char_t>?, node: Int32) -> YAMLDocument.Tag {
        guard let raw else { return .none }
        let text = String(cString: raw)
        if text == "!" || text == "tag:yaml.org,2002:str" { return .string }
        switch text {
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
             "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq":
            return .standard
        default:
            break   // !!binary, !!timestamp, !!set, ... and application tags
        }
        document.customTags[node] = text
        return .custom
    }

    private func location(_ line: Int32, _ column: Int32) -> SourceLocation {
        SourceLocation(file: file, line: Int(line), column: Int(column))
    }

    /// One readable diagnostic for whatever libyaml stopped on.
    private func parserFailure(_ parser: yaml_parser_t, _ bytes: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        switch parser.error {
        case YAML_READER_ERROR:
            let (line, column) = SourceText.position(ofByte: parser.problem_offset, in: bytes)
            let here = SourceLocation(file: file, line: line, column: column)
            let value = parser.problem_value
            if problem == "control characters are not allowed" {
                return ConfigProblem.controlCharacter(value: UInt32(truncatingIfNeeded: value)).diagnostic(at: here)
            }
            let detail: String
            switch problem {
            case "invalid leading UTF-8 octet":
                detail = "byte \(hexByte(value)) cannot start a UTF-8 character"
            case "invalid trailing UTF-8 octet":
                detail = "byte \(hexByte(value)) cannot continue a UTF-8 character"
            case "incomplete UTF-8 octet sequence":
                detail = "the file ends in the middle of a UTF-8 character"
            case "invalid length of a UTF-8 sequence":
                detail = "a character is encoded with more bytes than UTF-8 allows"
            case "invalid Unicode character":
                detail = "U+\(String(UInt32(truncatingIfNeeded: value), radix: 16, uppercase: true)) is not a Unicode character"
            default:
                detail = problem
            }
            return ConfigProblem.notUTF8(detail: detail).diagnostic(at: here)

        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let mark = parser.problem_mark
            let line = mark.line + 1, column = mark.column + 1
            let here = SourceLocation(file: file, line: line, column: column)
            if problem.hasPrefix("Maximum nesting level") {
                return ConfigProblem.tooDeep(limit: limits.maxDepth).diagnostic(at: here)
            }
            // libyaml reports a tab in indentation in several ways, often
            // pointing past it; any error on a line indented with a tab is
            // almost surely that tab.
            let lineRange = SourceText.range(ofLine: line, in: bytes)
            if let lineRange, let tab = SourceText.tabInIndentation(lineRange, in: bytes) {
                return ConfigProblem.tabIndentation.diagnostic(at: SourceLocation(file: file, line: line, column: tab))
            }
            if problem.contains("tab") || SourceText.scalar(atLine: line, column: column, in: bytes) == "\t" {
                return ConfigProblem.tabIndentation.diagnostic(at: here)
            }
            var message = problem
            var location = here
            var opened: String?
            if let context = parser.context.map({ String(cString: $0) }) {
                let contextMark = parser.context_mark
                let contextLocation = SourceLocation(file: file, line: contextMark.line + 1, column: contextMark.column + 1)
                let isAtEnd = lineRange.map { $0.isEmpty } ?? true
                if contextLocation == here {
                    message += " (\(context))"
                } else if isAtEnd {
                    // Nothing to show at the end of the file: point at what was left open.
                    location = contextLocation
                    opened = "here"
                    message += " (\(context) that starts here)"
                } else {
                    opened = "at line \(contextLocation.line), column \(contextLocation.column)"
                    message += " (\(context) \(opened!))"
                }
            }
            return ConfigProblem.syntax(message: message, hint: Self.syntaxHint(problem, opened: opened))
                .diagnostic(at: location)

        default:
            return ConfigProblem.syntax(message: problem, hint: nil).diagnostic(at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    /// What usually causes libyaml's commonest complaints.
    private static func syntaxHint(_ problem: String, opened: String?) -> String? {
        switch problem {
        case "mapping values are not allowed in this context":
            return "quote a value that contains \": \", or check this line's indentation"
        case "found unexpected end of stream":
            return "close the quote or bracket that starts \(opened ?? "above")"
        case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
            return "close the bracket that starts \(opened ?? "above"), or separate its items with commas"
        case "did not find expected key":
            return "check this line's indentation against the lines above it"
        case "found character that cannot start any token":
            return "quote a value that starts with a character such as @, ` or %"
        default:
            return nil
        }
    }

    private func hexByte(_ value: Int32) -> String {
        let hex = String(UInt8(truncatingIfNeeded: value), radix: 16, uppercase: true)
        return "0x" + (hex.count < 2 ? "0" + hex : hex)
    }
}
