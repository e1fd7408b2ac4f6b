import Foundation

/// A parsed `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`
/// (`postgresql://` too). The password is kept for connecting only:
/// ``description`` and every message show the URL without it.
public struct PostgresURL: Hashable, Sendable, CustomStringConvertible {
    /// `sslmode` values, as libpq names them.
    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP only.
        case disable
        /// TLS when the server offers it, without checking its certificate (the default).
        case prefer
        /// TLS always, without checking the certificate.
        case require
        /// TLS always, with the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// The PostgreSQL schema (namespace) holding the ledger's tables:
    /// `seatctl`, or `?schema=NAME` (lower-case letters, digits and `_`).
    public var schema: String

    /// The schema a URL without `?schema=` names.
    public static let defaultSchema = "seatctl"

    /// Parses a `--state` value that starts with `postgres://` or `postgresql://`.
    ///
    /// - Throws: ``LedgerError/invalidURL(_:problem:)`` naming what is missing or
    ///   wrong, never repeating the password.
    public init(parsing value: String) throws {
        let shown = LedgerLocation.redacted(value)
        func invalid(_ problem: String) -> LedgerError {
            .invalidURL(shown, problem: problem)
        }
        guard let separator = value.range(of: "://") else { throw invalid("not a URL") }
        var rest = Substring(value[separator.upperBound...])
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw invalid("the database name is missing") }
        let authority = rest[..<slash]
        let database = try Self.decoded(rest[rest.index(after: slash)...], invalid)
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the database name is missing") }
        self.database = database
        guard let at = authority.lastIndex(of: "@") else { throw invalid("the user name is missing") }
        let userInfo = authority[..<at]
        var hostPort = authority[authority.index(after: at)...]
        if let colon = userInfo.firstIndex(of: ":") {
            user = try Self.decoded(userInfo[..<colon], invalid)
            password = try Self.decoded(userInfo[userInfo.index(after: colon)...], invalid)
        } else {
            user = try Self.decoded(userInfo, invalid)
            password = nil
        }
        guard !user.isEmpty else { throw invalid("the user name is missing") }
        port = 5432
        if hostPort.hasPrefix("[") {  // [::1]:5432
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("an IPv6 host lacks its closing ]") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.hasPrefix(":") { port = try Self.port(hostPort.dropFirst(), invalid) }
            else if !hostPort.isEmpty { throw invalid("unexpected text after the host") }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = try Self.port(hostPort[hostPort.index(after: colon)...], invalid)
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty else { throw invalid("the host is missing") }
        sslMode = .prefer
        schema = Self.defaultSchema
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = String(parts[0])
            let setting = parts.count > 1 ? String(parts[1]) : ""
            if key == "schema" {
                guard Self.isSchemaName(setting) else {
                    throw invalid("schema must be 1 to 63 lower-case letters, digits or _, starting with a letter or _")
                }
                schema = setting
                continue
            }
            guard key == "sslmode" else { throw invalid("unknown parameter \"\(key)\" (sslmode and schema are understood)") }
            guard let mode = SSLMode(rawValue: setting) else {
                throw invalid("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sslMode = mode
        }
    }

    /// The URL without its password.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var parameters: [String] = []
        if sslMode != .prefer { parameters.append("sslmode=\(sslMode.rawValue)") }
        if schema != Self.defaultSchema { parameters.append("schema=\(schema)") }
        let query = parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(shownHost):\(port)/\(database)\(query)"
    }

    /// A PostgreSQL identifier that needs no quoting rules beyond `"…"`.
    static func isSchemaName(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count), let first = text.utf8.first, first == UInt8(ascii: "_") || (0x61...0x7A).contains(first)
        else { return false }
        return text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    private static func port(_ text: Substring, _ invalid: (String) -> LedgerError) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw invalid("the port must be a number from 1 to 65535") }
        return port
    }

    private static func decoded(_ text: Substring, _ invalid: (String) -> LedgerError) throws -> String {
        guard let decoded = String(text).removingPercentEncoding else { throw invalid("a %-escape is malformed") }
        return decoded
    }
}
