/// Line and column arithmetic over a file's raw bytes, matching libyaml's
/// marks: lines end at `\n` (a preceding `\r` is part of the break), columns
/// count Unicode scalars, and a leading UTF-8 byte order mark is not part of
/// line 1.
enum SourceText {
    static func hasByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// 1-based line and column of the byte at `offset`. Only used on error
    /// paths, so a linear scan is fine.
    static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = hasByteOrderMark(bytes) ? 3 : 0
        var i = lineStart
        while i < end {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        i = lineStart
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }   // count lead bytes, not continuations
            i += 1
        }
        return (line, column)
    }

    /// The byte range of 1-based `line`, without its line break; nil past the end.
    static func range(ofLine line: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard line >= 1 else { return nil }
        var start = hasByteOrderMark(bytes) ? 3 : 0
        var current = 1
        while current < line {
            guard let newline = firstNewline(in: bytes, from: start) else { return nil }
            start = newline + 1
            current += 1
        }
        if start > bytes.count { return nil }
        var end = firstNewline(in: bytes, from: start) ?? bytes.count
        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// The scalar at a 1-based line and column, if the file has one there.
    static func scalar(atLine line: Int, column: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard let range = range(ofLine: line, in: bytes) else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        var current = 1
        for scalar in text.unicodeScalars {
            if current == column { return scalar }
            current += 1
        }
        return nil
    }

    /// The 1-based column of the first tab among the line's leading blanks.
    static func tabInIndentation(_ line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var column = 1
        for i in line {
            switch bytes[i] {
            case UInt8(ascii: "\t"): return column
            case UInt8(ascii: " "): column += 1
            default: return nil
            }
        }
        return nil
    }

    static func firstNewline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x0A { return i }
            i += 1
        }
        return nil
    }
}
