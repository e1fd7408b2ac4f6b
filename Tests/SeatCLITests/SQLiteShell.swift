import Foundation
import Testing

/// The `sqlite3` command-line shell, for tests that read or change a ledger
/// file the way a person at the shell would.
enum SQLiteShell {
    /// Runs `sql` on the database at `path`; returns the output lines.
    @discardableResult
    static func run(_ path: String, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 failed on: \(sql)", sourceLocation: sourceLocation)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
