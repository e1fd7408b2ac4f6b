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
        var digits: [UInt8] = []
        /// Start index in `digits` and byte offset of each group of the current run.
        var groups: [(start: Int, offset: Int)] = []
        func check() -> Int? {
            defer { digits.removeAll(keepingCapacity: true); groups.removeAll(keepingCapacity: true) }
            guard digits.count >= 13 else { return nil }
            for (index, first) in groups.enumerated() {
                for next in groups[(index + 1)...].map(\.start) + [digits.count] {
                    let length = next - first.start
                    if length > 19 { break }
                    if length >= 13, luhn(digits[first.start..<next]) { return first.offset }
                }
            }
            return nil
        }
        var inGroup = false
        for offset in bytes.indices {
            let byte = bytes[offset]
            if (48...57).contains(byte) {
                if !inGroup { groups.append((digits.count, offset)) }
                digits.append(byte - 48)
                inGroup = true
            } else if byte == 32 || byte == 45, inGroup {
                inGroup = false
            } else {
                // Fewer than 13 digits pending cannot be a card number: they
                // are only dropped (a large file has hundreds of thousands).
                if digits.count >= 13 {
                    if let match = check() { return match }
                } else if !digits.isEmpty {
                    digits.removeAll(keepingCapacity: true)
                    groups.removeAll(keepingCapacity: true)
                }
                inGroup = false
            }
        }
        return check()
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
