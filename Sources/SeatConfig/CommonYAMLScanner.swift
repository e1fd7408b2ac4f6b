/// Where the desired-state fast path takes its events from.
protocol YAMLEventSource: ~Copyable {
    /// The next event. A scalar's text stays valid at least until the next call.
    mutating func next() throws(FastPathExit) -> YAMLEvent
}

/// The nodes and nesting the event sources let through: exactly what
/// `YAMLComposer` counts and refuses past `LoaderLimits`, so that a file the
/// composer refuses never gets past a source.
struct NodeBudget {
    private let limits: LoaderLimits
    /// Scalars and collections so far (what the composer counts as nodes;
    /// with no aliases, also the expanded count).
    private var nodes = 0
    /// Collections open now.
    private var depth = 0

    init(_ limits: LoaderLimits) {
        self.limits = limits
    }

    /// A collection starts: refused past `maxDepth` open collections, as `YAMLComposer` does.
    @inline(__always)
    mutating func open(line: Int) throws(FastPathExit) {
        if depth >= limits.maxDepth { throw FastPathExit("nesting past the depth limit", line: line) }
        try count(line: line)
        depth += 1
    }

    @inline(__always)
    mutating func close() {
        depth -= 1
    }

    @inline(__always)
    mutating func count(line: Int) throws(FastPathExit) {
        nodes += 1
        if nodes > limits.maxNodes { throw FastPathExit("more nodes than the limit", line: line) }
    }
}

/// The events of a file in the common form of YAML, read straight from its
/// bytes: what libyaml would give for it, marks included, at a fraction of
/// libyaml's cost.
///
/// The common form is what desired-state files are written in: printable
/// ASCII only; a root block mapping at column 0; block mappings whose keys
/// are plain scalars on one line; block sequences of `- item`, also at the
/// indentation of their key; plain scalars on one line; single- and
/// double-quoted scalars on one line without escapes; flow sequences and
/// mappings that close on the line they open; comments; a leading `---`.
///
/// Anything else ends the scan with a `FastPathExit` marked for libyaml,
/// without a guess: a tab, a carriage return or any other control character,
/// a byte outside ASCII, a multi-line scalar, a block or escaped scalar, an
/// anchor, alias, tag or directive, a complex or quoted block key, a nested
/// block collection in a sequence, a scalar starting with an indicator, an
/// indentation that no open block has, a second document, an empty file. The
/// fast path then reads the same bytes through libyaml (`YAMLEventCursor`).
/// `CommonYAMLScannerTests` and the fuzzer (`Fuzz/`) check the scanner against
/// libyaml event by event.
struct CommonYAMLScanner: ~Copyable, YAMLEventSource {
    private struct Block {
        var indent: Int
        var isSequence: Bool
        /// A sequence at its key's indentation (`key:` then `- item` below it).
        var isIndentless: Bool
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var budget: NodeBudget
    /// Where the next line starts, and its 1-based number.
    private var position = 0
    private var lineNumber = 0
    /// The current line: its first byte, its end (before the line feed).
    private var lineStart = 0
    private var lineEnd = 0
    private var blocks: [Block] = []
    /// The empty value of a key that ended its line, at the colon's end, until
    /// the next line says whether a block collection follows.
    private var awaiting: (line: Int, column: Int)?
    private var started = false
    /// The line of a leading `---`.
    private var documentMarker: Int?
    private var finished = false
    /// Events worked out but not yet given, from `head` on.
    private var queue: [YAMLEvent] = []
    private var head = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, limits: LoaderLimits) {
        self.bytes = bytes
        self.budget = NodeBudget(limits)
        queue.reserveCapacity(16)
    }

    mutating func next() throws(FastPathExit) -> YAMLEvent {
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
            while queue.isEmpty { try readLine() }
        }
        head += 1
        return queue[head - 1]
    }

    // MARK: Lines

    private func exit(_ reason: String) -> FastPathExit {
        FastPathExit(reason, line: max(lineNumber, 1), retryWithLibyaml: true)
    }

    /// Reads lines until one gives events; at the end of the bytes, closes everything.
    private mutating func readLine() throws(FastPathExit) {
        guard !finished else { throw exit("a read past the end of the stream") }
        guard let base = bytes.baseAddress, position < bytes.count else { return try finish() }
        lineNumber += 1
        lineStart = position
        var index = position
        let count = bytes.count
        while index < count {
            let byte = base[index]
            if byte == 0x0A { break }
            if byte < 0x20 || byte > 0x7E { throw exit("a byte outside printable ASCII") }
            index += 1
        }
        lineEnd = index
        position = index + 1
        var first = lineStart
        while first < lineEnd && base[first] == UInt8(ascii: " ") { first += 1 }
        // Blank lines and comments, at any indentation.
        if first == lineEnd || base[first] == UInt8(ascii: "#") { return }
        if first == lineStart && lineEnd - lineStart >= 3 {
            let marker = (base[first], base[first + 1], base[first + 2])
            let isMarker = marker == (0x2D, 0x2D, 0x2D) || marker == (0x2E, 0x2E, 0x2E)
            if isMarker && (lineEnd - lineStart == 3 || base[first + 3] == UInt8(ascii: " ")) {
                // A leading `---` alone (or with a comment) opens the one document.
                guard !started, documentMarker == nil, marker.0 == 0x2D, rest(first + 3) else {
                    throw exit("a document marker")
                }
                documentMarker = lineNumber
                return
            }
        }
        try content(at: first)
    }

    /// A line with content starting at `first`.
    private mutating func content(at first: Int) throws(FastPathExit) {
        let indent = first - lineStart
        guard started else {
            guard indent == 0 else { throw exit("an indented root") }
            started = true
            queue.append(YAMLEvent(kind: .streamStart, line: 1, column: 1, text: empty, isPlain: false))
            // libyaml marks the document's start at its `---`, else at its first content.
            queue.append(documentMarker.map { YAMLEvent(kind: .documentStart, line: $0, column: 1, text: empty, isPlain: false) }
                         ?? event(.documentStart, at: first))
            try open(sequence: false, indentless: false, indent: 0, at: first)
            return try key(at: first)
        }
        if let value = awaiting {
            awaiting = nil
            let parent = blocks[blocks.count - 1]
            let isEntry = isEntry(first)
            if indent > parent.indent {
                // The key's value is the block collection that starts here.
                try open(sequence: isEntry, indentless: false, indent: indent, at: first)
                return isEntry ? try item(at: first) : try key(at: first)
            }
            if indent == parent.indent && isEntry {
                try open(sequence: true, indentless: true, indent: indent, at: first)
                return try item(at: first)
            }
            try scalar(line: value.line, column: value.column, text: empty, isPlain: true)
        }
        while let last = blocks.last, last.indent > indent { close(at: first) }
        if let last = blocks.last, last.isIndentless, last.indent == indent, !isEntry(first) { close(at: first) }
        guard let block = blocks.last, block.indent == indent else {
            throw exit("an indentation that matches no open block")
        }
        if block.isSequence {
            guard isEntry(first) else { throw exit("a sequence line that is not an entry") }
            try item(at: first)
        } else {
            try key(at: first)
        }
    }

    /// At the end of the bytes: the last empty value, the blocks closed, the document and stream ended.
    private mutating func finish() throws(FastPathExit) {
        guard started else { throw exit("a file without content") }
        finished = true
        if let value = awaiting {
            awaiting = nil
            try scalar(line: value.line, column: value.column, text: empty, isPlain: true)
        }
        // libyaml marks the end of the stream at the start of a line past the
        // last, whether or not the last ends with a line feed. Without one,
        // it first closes the blocks indented past where the last line ends
        // (spaces or a comment alone on it), there.
        let line = lineNumber + 1, column = 1
        let endsWithLineFeed = bytes[bytes.count - 1] == 0x0A
        while let block = blocks.last {
            blocks.removeLast()
            budget.close()
            let lastColumn = lineEnd - lineStart
            let (blockLine, blockColumn) = !endsWithLineFeed && block.indent > lastColumn
                ? (lineNumber, lastColumn + 1) : (line, column)
            queue.append(YAMLEvent(kind: block.isSequence ? .sequenceEnd : .mappingEnd, line: blockLine,
                                   column: blockColumn, text: empty, isPlain: false))
        }
        queue.append(YAMLEvent(kind: .documentEnd, line: line, column: column, text: empty, isPlain: false))
        queue.append(YAMLEvent(kind: .streamEnd, line: line, column: column, text: empty, isPlain: false))
    }

    // MARK: Block structure

    private func isEntry(_ index: Int) -> Bool {
        bytes[index] == UInt8(ascii: "-") && (index + 1 == lineEnd || bytes[index + 1] == UInt8(ascii: " "))
    }

    private mutating func open(sequence: Bool, indentless: Bool, indent: Int, at index: Int) throws(FastPathExit) {
        try budget.open(line: lineNumber)
        blocks.append(Block(indent: indent, isSequence: sequence, isIndentless: indentless))
        queue.append(event(sequence ? .sequenceStart : .mappingStart, at: index))
    }

    private mutating func close(at index: Int) {
        let block = blocks.removeLast()
        budget.close()
        queue.append(event(block.isSequence ? .sequenceEnd : .mappingEnd, at: index))
    }

    /// `key: value`, or `key:` with its value on the lines below.
    private mutating func key(at first: Int) throws(FastPathExit) {
        guard isPlainStart(bytes[first]) else { throw exit("a key that is not a plain scalar") }
        var colon = first + 1
        while true {
            guard colon < lineEnd else { throw exit("a line without a key") }
            let byte = bytes[colon]
            if byte == UInt8(ascii: ":") && (colon + 1 == lineEnd || bytes[colon + 1] == UInt8(ascii: " ")) { break }
            if byte == UInt8(ascii: "#") && bytes[colon - 1] == UInt8(ascii: " ") { throw exit("a comment in a key") }
            colon += 1
        }
        // libyaml takes a simple key only within 1024 characters.
        guard bytes[colon - 1] != UInt8(ascii: " "), colon - first < 1000 else { throw exit("an unusual key") }
        try scalar(at: first, text: first..<colon, isPlain: true)
        let value = skipSpaces(colon + 1)
        if value == lineEnd || bytes[value] == UInt8(ascii: "#") {
            // libyaml marks an empty value at the end of the colon.
            awaiting = (lineNumber, colon - lineStart + 2)
            return
        }
        try self.value(at: value, inSequence: false)
    }

    /// `- item`: a scalar or a flow collection.
    private mutating func item(at dash: Int) throws(FastPathExit) {
        let value = skipSpaces(dash + 1)
        guard value < lineEnd, bytes[value] != UInt8(ascii: "#") else { throw exit("an empty entry") }
        try self.value(at: value, inSequence: true)
    }

    /// A value in block context, to the end of the line.
    private mutating func value(at first: Int, inSequence: Bool) throws(FastPathExit) {
        let byte = bytes[first]
        var end: Int
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            end = try flow(at: first)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            end = try quoted(at: first)
        default:
            guard isPlainStart(byte) else { throw exit("a value starting with an indicator") }
            var index = first + 1
            end = index
            while index < lineEnd {
                let byte = bytes[index]
                if byte == UInt8(ascii: ":") && (index + 1 == lineEnd || bytes[index + 1] == UInt8(ascii: " ")) {
                    throw exit(inSequence ? "a mapping in a sequence" : "a colon after a value")
                }
                if byte == UInt8(ascii: "#") && bytes[index - 1] == UInt8(ascii: " ") { break }
                index += 1
                if byte != UInt8(ascii: " ") { end = index }
            }
            return try scalar(at: first, text: first..<end, isPlain: true)
        }
        guard rest(end) else { throw exit("text after a value") }
    }

    /// True when nothing but spaces and a comment follow `index` on the line.
    private func rest(_ index: Int) -> Bool {
        let next = skipSpaces(index)
        return next == lineEnd || (next > index && bytes[next] == UInt8(ascii: "#"))
    }

    private func skipSpaces(_ index: Int) -> Int {
        var index = index
        while index < lineEnd && bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    /// A plain scalar in block context may start with this (quotes and flow collections are read apart).
    private func isPlainStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"),
             UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"),
             UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
            return false
        default:
            return true
        }
    }

    // MARK: Flow collections and quoted scalars, on one line

    /// A flow sequence or mapping starting at `first`; the index after its closing bracket.
    private mutating func flow(at first: Int) throws(FastPathExit) -> Int {
        let isSequence = bytes[first] == UInt8(ascii: "[")
        let closing = isSequence ? UInt8(ascii: "]") : UInt8(ascii: "}")
        try budget.open(line: lineNumber)
        queue.append(event(isSequence ? .sequenceStart : .mappingStart, at: first))
        var index = skipSpaces(first + 1)
        guard index < lineEnd else { throw exit("a flow collection over more than one line") }
        if bytes[index] != closing {
            while true {
                if !isSequence {
                    // A plain key, then `: `.
                    index = try flowScalar(at: index)
                    guard index + 1 < lineEnd, bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: " ")
                    else { throw exit("a flow mapping entry that is not `key: value`") }
                    index = skipSpaces(index + 1)
                    guard index < lineEnd else { throw exit("a flow collection over more than one line") }
                }
                index = skipSpaces(try flowNode(at: index))
                guard index < lineEnd else { throw exit("a flow collection over more than one line") }
                if bytes[index] == closing { break }
                guard bytes[index] == UInt8(ascii: ",") else { throw exit("an unusual flow collection") }
                index = skipSpaces(index + 1)
                guard index < lineEnd, bytes[index] != closing else { throw exit("an unusual flow collection") }
            }
        }
        budget.close()
        queue.append(event(isSequence ? .sequenceEnd : .mappingEnd, at: index))
        return index + 1
    }

    private mutating func flowNode(at first: Int) throws(FastPathExit) -> Int {
        switch bytes[first] {
        case UInt8(ascii: "["), UInt8(ascii: "{"): return try flow(at: first)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return try quoted(at: first)
        default: return try flowScalar(at: first)
        }
    }

    /// A plain scalar in a flow collection: letters, digits, `-._@+/~` and
    /// spaces between them, starting with a letter, a digit or `._/~+`.
    private mutating func flowScalar(at first: Int) throws(FastPathExit) -> Int {
        func isWordByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"),
                 UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"):
                return true
            default:
                return false
            }
        }
        let start = bytes[first]
        guard isWordByte(start), start != UInt8(ascii: "-"), start != UInt8(ascii: "@") else {
            throw exit("an unusual scalar in a flow collection")
        }
        var index = first + 1, end = first + 1
        while index < lineEnd {
            let byte = bytes[index]
            if isWordByte(byte) {
                index += 1
                end = index
            } else if byte == UInt8(ascii: " ") {
                index += 1
            } else {
                break
            }
        }
        try scalar(at: first, text: first..<end, isPlain: true)
        return end
    }

    /// A quoted scalar on one line, without escapes; the index after its closing quote.
    private mutating func quoted(at first: Int) throws(FastPathExit) -> Int {
        let quote = bytes[first]
        var index = first + 1
        while index < lineEnd && bytes[index] != quote {
            if bytes[index] == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { throw exit("an escape") }
            index += 1
        }
        guard index < lineEnd else { throw exit("a quoted scalar over more than one line") }
        if quote == UInt8(ascii: "'") && index + 1 < lineEnd && bytes[index + 1] == quote {
            throw exit("an escaped quote")
        }
        try scalar(at: first, text: first + 1..<index, isPlain: false)
        return index + 1
    }

    // MARK: Events

    private var empty: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: nil, count: 0) }

    private func event(_ kind: YAMLEvent.Kind, at index: Int) -> YAMLEvent {
        YAMLEvent(kind: kind, line: lineNumber, column: index - lineStart + 1, text: empty, isPlain: false)
    }

    /// A scalar of the current line starting at `first` (its quote, if quoted), its text the bytes of `text`.
    private mutating func scalar(at first: Int, text: Range<Int>, isPlain: Bool) throws(FastPathExit) {
        try scalar(line: lineNumber, column: first - lineStart + 1,
                   text: UnsafeBufferPointer(rebasing: bytes[text]), isPlain: isPlain)
    }

    private mutating func scalar(line: Int, column: Int, text: UnsafeBufferPointer<UInt8>,
                                 isPlain: Bool) throws(FastPathExit) {
        try budget.count(line: line)
        queue.append(YAMLEvent(kind: .scalar, line: line, column: column, text: text, isPlain: isPlain))
    }
}

/// An event copied out of its source, for comparing two sources' events.
struct RecordedEvent: Equatable, CustomStringConvertible {
    var kind: YAMLEvent.Kind
    var line: Int
    var column: Int
    var text: [UInt8]
    var isPlain: Bool

    var description: String {
        "\(kind)@\(line):\(column)"
            + (kind == .scalar ? "\(isPlain ? "" : "quoted")\"\(String(decoding: text, as: UTF8.self))\"" : "")
    }
}

extension YAMLEventSource where Self: ~Copyable {
    /// Every event to the end of the stream, or nil when the source stops first.
    mutating func recordAll() -> [RecordedEvent]? {
        var events: [RecordedEvent] = []
        while true {
            guard let event = try? next() else { return nil }
            events.append(RecordedEvent(kind: event.kind, line: event.line, column: event.column,
                                        text: Array(event.text), isPlain: event.isPlain))
            if event.kind == .streamEnd { return events }
        }
    }
}

extension ConfigLoader {
    /// For the fuzzer (`Fuzz/`): false when `CommonYAMLScanner` reads `data`
    /// to its end and its events differ from libyaml's in anything.
    @_spi(Fuzzing)
    public static func commonFormScanAgreesWithLibyaml(_ data: [UInt8], limits: LoaderLimits) -> Bool {
        data.withUnsafeBufferPointer { bytes in
            var scanner = CommonYAMLScanner(bytes, limits: limits)
            guard let scanned = scanner.recordAll() else { return true }
            guard var cursor = try? YAMLEventCursor(bytes, limits: limits) else { return false }
            return cursor.recordAll() == scanned
        }
    }
}
