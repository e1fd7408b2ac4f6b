import CYaml

/// Why a fast path gave a file back to the composer. Not a diagnostic: the
/// composer and the schema reader run next and report whatever is wrong.
struct FastPathExit: Error, Equatable {
    /// What the fast path does not handle, and the line it met it on.
    var reason: String
    /// Met by `CommonYAMLScanner` in a file outside the common form: libyaml
    /// may still read it. Otherwise libyaml would meet it too.
    var retryWithLibyaml: Bool

    init(_ reason: String, line: Int, retryWithLibyaml: Bool = false) {
        self.reason = "\(reason) (line \(line))"
        self.retryWithLibyaml = retryWithLibyaml
    }
}

/// One libyaml event, as the fast path needs it.
struct YAMLEvent {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case scalar, sequenceStart, sequenceEnd, mappingStart, mappingEnd
    }

    var kind: Kind
    /// 1-based, from the event's start mark, as `YAMLComposer` computes it.
    var line: Int
    /// 1-based, in Unicode scalars.
    var column: Int
    /// A scalar's text. Valid until the source's next `next()` at least:
    /// from libyaml it points into the event, which the next call frees;
    /// from `CommonYAMLScanner`, into the file's bytes.
    var text: UnsafeBufferPointer<UInt8>
    /// A scalar written without quotes and not as a block scalar.
    var isPlain: Bool
}

/// Pulls libyaml events one at a time for a reader that descends the schema
/// (its depth bounded by the schema, not the input).
///
/// Everything that makes `YAMLComposer` more than a tree builder is refused
/// here with a `FastPathExit`, so the composer handles it alone: anchors,
/// aliases and tags, libyaml errors, and the `LoaderLimits` on nesting and
/// node count, checked exactly where the composer checks them. A file the
/// composer refuses therefore never gets past this cursor.
///
/// Not copyable: it owns the parser (which libyaml points into, so it lives
/// at a fixed address), and a reader holding it pays no reference counting
/// per event.
struct YAMLEventCursor: ~Copyable, YAMLEventSource {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private var holdsEvent = false
    private var budget: NodeBudget

    /// The cursor over `bytes`, which must stay valid and unchanged while it is used.
    init(_ bytes: UnsafeBufferPointer<UInt8>, limits: LoaderLimits) throws(FastPathExit) {
        // UTF-16 (which libyaml would read) and empty files are the composer's to report.
        if bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
            throw FastPathExit("a UTF-16 byte order mark", line: 1)
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw FastPathExit("an empty file", line: 1) }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw FastPathExit("libyaml could not start", line: 1)
        }
        yaml_parser_set_input_string(parser, base, bytes.count)
        self.parser = parser
        self.event = .allocate(capacity: 1)
        self.budget = NodeBudget(limits)
    }

    deinit {
        if holdsEvent { yaml_event_delete(event) }
        yaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
    }

    /// The next event; the previous event's text is no longer valid.
    mutating func next() throws(FastPathExit) -> YAMLEvent {
        if holdsEvent {
            yaml_event_delete(event)
            holdsEvent = false
        }
        guard yaml_parser_parse(parser, event) == 1 else {
            throw FastPathExit("a libyaml error", line: Int(parser.pointee.problem_mark.line) + 1)
        }
        holdsEvent = true
        let mark = event.pointee.start_mark
        let line = Int(Int32(truncatingIfNeeded: mark.line + 1))
        let column = Int(Int32(truncatingIfNeeded: mark.column + 1))
        var result = YAMLEvent(kind: .streamStart, line: line, column: column,
                               text: UnsafeBufferPointer(start: nil, count: 0), isPlain: false)

        switch event.pointee.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.pointee.data.scalar
            guard scalar.anchor == nil, scalar.tag == nil else { throw FastPathExit("an anchor or a tag", line: line) }
            try budget.count(line: line)
            result.kind = .scalar
            if let value = scalar.value { result.text = UnsafeBufferPointer(start: value, count: scalar.length) }
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE,
                 YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE:
                result.isPlain = false
            default:
                result.isPlain = true
            }
        case YAML_MAPPING_START_EVENT:
            let start = event.pointee.data.mapping_start
            guard start.anchor == nil, start.tag == nil else { throw FastPathExit("an anchor or a tag", line: line) }
            try budget.open(line: line)
            result.kind = .mappingStart
        case YAML_SEQUENCE_START_EVENT:
            let start = event.pointee.data.sequence_start
            guard start.anchor == nil, start.tag == nil else { throw FastPathExit("an anchor or a tag", line: line) }
            try budget.open(line: line)
            result.kind = .sequenceStart
        case YAML_MAPPING_END_EVENT:
            budget.close()
            result.kind = .mappingEnd
        case YAML_SEQUENCE_END_EVENT:
            budget.close()
            result.kind = .sequenceEnd
        case YAML_ALIAS_EVENT:
            throw FastPathExit("an alias", line: line)
        case YAML_DOCUMENT_START_EVENT:
            result.kind = .documentStart
        case YAML_DOCUMENT_END_EVENT:
            result.kind = .documentEnd
        case YAML_STREAM_START_EVENT:
            result.kind = .streamStart
        case YAML_STREAM_END_EVENT:
            result.kind = .streamEnd
        default:
            throw FastPathExit("an unknown libyaml event", line: line)
        }
        return result
    }
}
