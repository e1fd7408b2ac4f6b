/// An amount of money: an integer count of the currency's minor units and
/// an ISO 4217 code. Never floating point.
public struct Money: Hashable, Sendable, Codable, Comparable {
    /// Minor units (cents for USD, yen for JPY, fils for BHD).
    public var minorUnits: Int64
    /// ISO 4217 code, upper case.
    public var currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: String) -> Money { Money(minorUnits: 0, currency: currency) }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }

    /// Digits after the decimal point for each currency seatctl accepts.
    public static let exponents: [String: Int] = [
        "USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "SEK": 2,
        "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "INR": 2, "SGD": 2, "HKD": 2, "ZAR": 2,
        "BRL": 2, "MXN": 2, "CNY": 2,
        "JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0,
        "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3,
    ]

    /// The currency's number of decimal digits; nil for an unknown code.
    public static func exponent(of currency: String) -> Int? { exponents[currency] }

    /// Parses a decimal string such as `"45.00"` (at most the currency's
    /// number of decimals, no sign, no exponent, no thousands separators).
    public init(parsing text: String, currency: String) throws(MoneyError) {
        guard let exponent = Money.exponent(of: currency) else { throw .unknownCurrency(currency) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { throw .notAnAmount(text) }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        if parts.count == 2 && fraction.isEmpty { throw .notAnAmount(text) }
        guard fraction.count <= exponent else { throw .tooManyDecimals(text, currency: currency, allowed: exponent) }
        guard parts[0].count <= 15 else { throw .tooLarge(text) }
        let padded = fraction + String(repeating: "0", count: exponent - fraction.count)
        var units = Int64(parts[0])!
        for _ in 0..<exponent { units *= 10 }
        units += padded.isEmpty ? 0 : Int64(padded)!
        self.init(minorUnits: units, currency: currency)
    }

    /// The amount as a plain decimal string with the currency's digits, e.g. `"45.00"`.
    public var decimalString: String {
        let exponent = Money.exponent(of: currency) ?? 2
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        var scale: UInt64 = 1
        for _ in 0..<exponent { scale *= 10 }
        let whole = magnitude / scale
        let fraction = magnitude % scale
        var text = String(whole)
        if exponent > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: exponent - digits.count) + digits
        }
        return (negative ? "-" : "") + text
    }

    /// `45.00 USD`.
    public var formatted: String { "\(decimalString) \(currency)" }
}

/// Why a money amount could not be read.
public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownCurrency(String)
    case notAnAmount(String)
    case tooManyDecimals(String, currency: String, allowed: Int)
    case tooLarge(String)

    public var description: String {
        switch self {
        case .unknownCurrency(let code): return "unknown currency \"\(code)\" (expected an ISO 4217 code such as USD, EUR, JPY)"
        case .notAnAmount(let text): return "\"\(text)\" is not an amount (write it as a quoted decimal such as \"45.00\")"
        case let .tooManyDecimals(text, currency, allowed): return "\"\(text)\" has more than \(allowed) decimal\(allowed == 1 ? "" : "s"), the most \(currency) allows"
        case .tooLarge(let text): return "\"\(text)\" is too large"
        }
    }
}
