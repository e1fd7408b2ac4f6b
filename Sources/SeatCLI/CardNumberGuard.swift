import SeatCore

/// seatctl never accepts, stores or prints card numbers: files and flags
/// carrying something shaped like one are refused before anything else
/// happens, and the number itself is never echoed.
enum CardNumberGuard {
    static let hint = "seatctl keeps only the payment method's opaque reference from your payment provider (e.g. pm_…); record payments with `seatctl invoice pay INVOICE --reference REF`"

    /// The diagnostic for a file that carries a card-shaped number, or nil.
    static func check(file: String, bytes: [UInt8]) -> Diagnostic? {
        guard let offset = CardNumber.firstMatch(in: bytes) else { return nil }
        var line = 1
        var lineStart = 0
        for (index, byte) in bytes[..<offset].enumerated() where byte == 10 {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
        return .error(.invalidValue, "this looks like a payment card number; seatctl never accepts card data",
                      at: SourceLocation(file: file, line: line, column: column), hint: hint)
    }

    /// Refuses a command-line value shaped like a card number.
    static func check(flag: String, value: String) throws {
        guard CardNumber.appears(in: value) else { return }
        throw CLIError.message("\(flag) looks like a payment card number; seatctl never accepts card data; nothing was changed", hint: hint)
    }
}
