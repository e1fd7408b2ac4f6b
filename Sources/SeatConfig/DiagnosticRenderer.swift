import Foundation
import SeatCore

/// Renders diagnostics the way compilers do, for standard error:
///
/// ```
/// seats.yaml:12:15: error: plan "full-suite-monthly" declares 2 licenses but 3 users in this file hold it [assigned_license]
///    12 |     licenses: 2
///       |               ^
///    hint: raise licenses to 3, or write `licenses: auto`
/// ```
///
/// Everything that came from a file or a user (the file name, the message,
/// the hint, the source line) goes through `sanitizedForTerminal` first.
public struct DiagnosticRenderer: Sendable {
    /// Source lines wider than this are cut around the caret.
    static let maxLineWidth = 160
    /// Tab stops every this many columns, for the shown line and the caret alike.
    static let tabWidth = 4

    private struct SourceFile: Sendable {
        var bytes: [UInt8]
        /// Byte offset where each line starts (line 1 after any byte order mark).
        var lineStarts: [Int]
    }

    private let sources: [String: SourceFile]
    private let color: Bool

    /// - Parameters:
    ///   - sources: file name (as in `SourceLocation.file`) -> file bytes, to show the offending line.
    ///   - color: ANSI colours and bold, for a terminal that wants them.
    public init(sources: [String: [UInt8]], color: Bool) {
        self.sources = sources.mapValues { SourceFile(bytes: $0, lineStarts: Self.lineStarts(of: $0)) }
        self.color = color
    }

    /// One diagnostic: a header line, then the source line and caret when the
    /// location's file is known, then the hint. No trailing newline.
    public func render(_ diagnostic: Diagnostic) -> String {
        var cursor: Cursor?
        return render(diagnostic, cursor: &cursor)
    }

    /// Each diagnostic rendered, separated by a newline, in the order given.
    /// No trailing newline.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        var cursor: Cursor?
        return diagnostics.map { render($0, cursor: &cursor) }.joined(separator: "\n")
    }

    private func render(_ diagnostic: Diagnostic, cursor: inout Cursor?) -> String {
        var lines: [String] = []
        let severity = diagnostic.severity.rawValue
        let message = sanitizedForTerminal(diagnostic.message)
        let code = sanitizedForTerminal(diagnostic.code)
        var header: String
        if color {
            let severityColor = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[33m"
            header = "\(severityColor)\(severity)\u{1B}[0m: \u{1B}[1m\(message)\u{1B}[0m [\(code)]"
        } else {
            header = "\(severity): \(message) [\(code)]"
        }
        if let location = diagnostic.location {
            header = "\(sanitizedForTerminal(location.file)):\(location.line):\(location.column): " + header
        }
        lines.append(header)
        if let location = diagnostic.location, let snippet = snippet(at: location, cursor: &cursor) {
            lines.append(contentsOf: snippet)
        }
        if let hint = diagnostic.hint {
            lines.append("   hint: " + sanitizedForTerminal(hint))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: The source line

    /// Where the previous caret was, so that many diagnostics on one long
    /// line (a whole users mapping written in flow style) are found in one
    /// pass instead of each walking the line from its start.
    private struct Cursor {
        var file: String
        var line: Int
        var column: Int
        var byte: Int
    }

    /// Scalars kept before and after the caret before any other trimming: a
    /// shown line is at most `maxLineWidth` wide, so a line of megabytes is
    /// never decoded whole.
    private static let scalarsBeforeCaret = maxLineWidth
    private static let scalarsAfterCaret = 2 * maxLineWidth

    /// The source line and the caret line, or nil when the file or line is
    /// unknown or the line is empty (a caret under nothing says nothing).
    private func snippet(at location: SourceLocation, cursor: inout Cursor?) -> [String]? {
        guard let source = sources[location.file], location.line >= 1, location.line <= source.lineStarts.count
        else { return nil }
        let bytes = source.bytes
        let lineStart = source.lineStarts[location.line - 1]
        var lineEnd = location.line < source.lineStarts.count ? source.lineStarts[location.line] - 1 : bytes.count
        if lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        guard lineEnd > lineStart else { return nil }

        // The caret's byte offset: walk `column - 1` scalars from the line
        // start (or from the previous caret on the same line).
        let target = max(1, location.column)
        var column = 1
        var caretByte = lineStart
        if let previous = cursor, previous.file == location.file, previous.line == location.line,
           previous.column <= target {
            column = previous.column
            caretByte = previous.byte
        }
        while column < target && caretByte < lineEnd {
            caretByte += 1
            while caretByte < lineEnd && bytes[caretByte] & 0xC0 == 0x80 { caretByte += 1 }
            column += 1
        }
        cursor = Cursor(file: location.file, line: location.line, column: column, byte: caretByte)
        let columnsPastEnd = target - column

        // A window of whole scalars around the caret.
        var windowStart = caretByte
        var count = 0
        while windowStart > lineStart && count < Self.scalarsBeforeCaret {
            windowStart -= 1
            while windowStart > lineStart && bytes[windowStart] & 0xC0 == 0x80 { windowStart -= 1 }
            count += 1
        }
        var windowEnd = caretByte
        count = 0
        while windowEnd < lineEnd && count < Self.scalarsAfterCaret {
            windowEnd += 1
            while windowEnd < lineEnd && bytes[windowEnd] & 0xC0 == 0x80 { windowEnd += 1 }
            count += 1
        }
        let before = bytes[windowStart..<caretByte].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        let after = bytes[caretByte..<windowEnd].withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }

        // Each scalar's shown form and where it starts, in terminal columns.
        var pieces: [(text: String, offset: Int)] = []
        var width = 0
        func append(_ scalar: Unicode.Scalar) {
            let shown: String
            if scalar == "\t" {
                shown = String(repeating: " ", count: Self.tabWidth - width % Self.tabWidth)
            } else if needsTerminalEscape(scalar) {
                shown = terminalEscape(scalar)
            } else {
                shown = String(scalar)
            }
            pieces.append((shown, width))
            width += shown.unicodeScalars.count
        }
        for scalar in before.unicodeScalars { append(scalar) }
        let caretPiece = pieces.count
        for scalar in after.unicodeScalars { append(scalar) }
        let caret = caretPiece < pieces.count ? pieces[caretPiece].offset : width + columnsPastEnd

        // Trim to `maxLineWidth` around the caret, marking cuts with "…".
        var first = 0, last = pieces.count
        if width > Self.maxLineWidth {
            var from = max(0, caret - Self.maxLineWidth / 2)
            var to = from + Self.maxLineWidth
            if to > width {
                to = width
                from = max(0, to - Self.maxLineWidth)
            }
            first = pieces.firstIndex { $0.offset >= from } ?? pieces.count
            last = pieces.lastIndex { $0.offset + $0.text.unicodeScalars.count <= to }.map { $0 + 1 } ?? first
            last = max(first, last)
        }
        let isCutBefore = first > 0 || windowStart > lineStart
        let isCutAfter = last < pieces.count || windowEnd < lineEnd
        let firstOffset = first < pieces.count ? pieces[first].offset : width
        let shownLine = (isCutBefore ? "…" : "") + pieces[first..<last].map(\.text).joined() + (isCutAfter ? "…" : "")
        let shownCaret = caret - firstOffset + (isCutBefore ? 1 : 0)

        let number = String(location.line)
        let gutterWidth = max(5, number.count)
        let gutter = String(repeating: " ", count: gutterWidth - number.count) + number
        let blank = String(repeating: " ", count: gutterWidth)
        return ["\(gutter) | \(shownLine)", "\(blank) | " + String(repeating: " ", count: max(0, shownCaret)) + "^"]
    }

    private static func lineStarts(of bytes: [UInt8]) -> [Int] {
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var starts = [bom ? 3 : 0]
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = starts[0]
            while offset < buffer.count,
                  let found = memchr(base + offset, 0x0A, buffer.count - offset) {
                let index = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                starts.append(index + 1)
                offset = index + 1
            }
        }
        return starts
    }
}
