/// Recognises text shaped like a payment card number, so that seatctl can
/// refuse it wherever it appears: 13 to 19 digits, written together or in
/// groups separated by single spaces or dashes, that pass the Luhn check.
/// seatctl keeps only opaque payment-method references, never card data.
public enum CardNumber {
    /// The UTF-8 byte offset where the first card-shaped number in `bytes`
    /// starts, or nil.
    ///
    /// Digits are read in groups (a group ends at a space, a dash or any
    /// other character); any run of whole consecutive groups joined by single
    /// separators with 13–19 digits in all that passes Luhn is a match. A
    /// longer unbroken run of digits (an id, a timestamp) is not.
    public static func firstMatch(in bytes: some Collection<UInt8>) -> Int? {
        // Scanned as contiguous bytes by non-generic code: every file a
        // command reads goes through here, 100 MB for a million users, and a
        // generic loop across modules pays for type metadata on every byte.
        if let match = bytes.withContiguousStorageIfAvailable(firstMatch(inBuffer:)) { return match }
        return Array(bytes).withUnsafeBufferPointer(firstMatch(inBuffer:))
    }

    private static func firstMatch(inBuffer bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        // The scan only counts the digits of the current run (groups joined
        // by single separators); a run of 13 digits or more, rare in any
        // file, is read again in detail. A large file has hundreds of
        // thousands of shorter runs (ids, counts, dates).
        var runStart = 0
        var runDigits = 0
        var inGroup = false
        for offset in bytes.indices {
            let byte = bytes[offset]
            if byte &- 48 < 10 {
                if runDigits == 0 { runStart = offset }
                runDigits += 1
                inGroup = true
            } else if byte == 32 || byte == 45, inGroup {
                inGroup = false
            } else {
                if runDigits >= 13, let match = firstMatch(inRun: bytes, runStart..<offset) { return match }
                runDigits = 0
                inGroup = false
            }
        }
        return runDigits >= 13 ? firstMatch(inRun: bytes, runStart..<bytes.count) : nil
    }

    /// The first card number in a run of digit groups joined by single
    /// separators (`run` may end with one separator).
    private static func firstMatch(inRun bytes: UnsafeBufferPointer<UInt8>, _ run: Range<Int>) -> Int? {
        var digits: [UInt8] = []
        /// Start index in `digits` and byte offset of each group of the run.
        var groups: [(start: Int, offset: Int)] = []
        var inGroup = false
        for offset in run {
            let byte = bytes[offset]
            if byte &- 48 < 10 {
                if !inGroup { groups.append((digits.count, offset)) }
                digits.append(byte - 48)
                inGroup = true
            } else {
                inGroup = false
            }
        }
        for (index, first) in groups.enumerated() {
            for next in groups[(index + 1)...].map(\.start) + [digits.count] {
                let length = next - first.start
                if length > 19 { break }
                if length >= 13, luhn(digits[first.start..<next]) { return first.offset }
            }
        }
        return nil
    }

    /// True when `text` carries something shaped like a card number.
    public static func appears(in text: String) -> Bool { firstMatch(in: text.utf8) != nil }

    /// The Luhn checksum over decimal digits (0–9).
    public static func luhn(_ digits: ArraySlice<UInt8>) -> Bool {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if index % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
