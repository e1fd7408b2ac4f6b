import Foundation
import SeatTestSupport
import Testing

/// Runs the built `seatctl` binary in a scratch directory, the way a user
/// or a CI job does, and captures what it prints.
struct SeatctlRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A fresh working directory; the ledger defaults to `State/ledger.sqlite` inside it.
    /// Removed once the runner and every copy of it are gone.
    var directory: URL { scratch.url }
    private let scratch: ScratchDirectory
    /// Environment every run gets (on top of a minimal PATH/HOME).
    var environment: [String: String] = ["SEATCTL_ACTOR": "test", "NO_COLOR": "1"]

    init() throws {
        scratch = try ScratchDirectory(prefix: "seatctl-e2e")
    }

    /// The `seatctl` built next to this test bundle (or `SEATCTL_BINARY`).
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["SEATCTL_BINARY"] { return URL(fileURLWithPath: path) }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test bundle may sit inside a `.xctest` directory.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("seatctl").path), dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("seatctl")
    }()

    /// The repository root, for the examples.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ path: String) -> URL { repository.appendingPathComponent("Examples").appendingPathComponent(path) }

    /// Runs seatctl with `arguments`. Standard input is `input` through a
    /// pipe (not a terminal), or /dev/null.
    @discardableResult
    func run(_ arguments: [String], input: String? = nil, environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = processEnvironment(extra)
        return try Self.execute(process, input: input)
    }

    /// A minimal PATH/HOME, then ``environment``, then `extra`.
    private func processEnvironment(_ extra: [String: String]) -> [String: String] {
        var env = ["PATH": "/usr/bin:/bin", "HOME": directory.path]
        env.merge(environment) { _, new in new }
        env.merge(extra) { _, new in new }
        return env
    }

    /// Starts seatctl with `arguments`, stopped by the test-only hook
    /// (`SEATCTL_TEST_PAUSE_AT`) at `point`, and returns once it is there (its
    /// marker file exists) or has ended. Deleting the marker lets it go on.
    /// Standard output goes to `output`, or /dev/null like the rest.
    func startPaused(_ arguments: [String], at point: String, environment extra: [String: String] = [:],
                     output: Pipe? = nil) throws -> (process: Process, marker: String) {
        let marker = directory.appendingPathComponent("paused-\(UUID().uuidString)").path
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = processEnvironment(extra.merging(
            ["SEATCTL_TEST_PAUSE_AT": point, "SEATCTL_TEST_PAUSE_MARKER": marker]) { _, new in new })
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while !FileManager.default.fileExists(atPath: marker), process.isRunning {
            usleep(10_000)
        }
        return (process, marker)
    }

    /// Runs seatctl under a pseudo-terminal (util-linux `script`), so that
    /// standard input is a terminal and apply asks for confirmation.
    func runInTerminal(_ arguments: [String], answer: String) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([Self.binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = directory
        var env = ["PATH": "/usr/bin:/bin", "HOME": directory.path, "TERM": "dumb"]
        env.merge(environment) { _, new in new }
        process.environment = env
        return try Self.execute(process, input: answer + "\n")
    }

    private static func execute(_ process: Process, input: String?) throws -> Result {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            try process.run()
        }
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Writes a file into the scratch directory and returns its name.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return name
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Copies an example into the scratch directory under `name`.
    @discardableResult
    func copyExample(_ path: String, to name: String) throws -> String {
        try write(name, try String(contentsOf: Self.example(path), encoding: .utf8))
    }

    /// Every byte of every file under State/, to prove a ledger is untouched.
    func stateBytes() throws -> [String: Data] {
        let state = directory.appendingPathComponent("State")
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: state.path)) ?? [] {
            files[name] = try Data(contentsOf: state.appendingPathComponent(name))
        }
        return files
    }
}

/// Compares `actual` with a golden file under Tests/SeatCLITests/Golden,
/// recording it when missing or when RECORD_GOLDEN=1. On mismatch, reports
/// the first differing lines.
func assertGolden(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = SeatctlRunner.repository.appendingPathComponent("Tests/SeatCLITests/Golden").appendingPathComponent(name)
    let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
        if ProcessInfo.processInfo.environment["CI"] == "true" && !record {
            Issue.record("golden file \(name) is missing; record it locally with RECORD_GOLDEN=1 and commit it", sourceLocation: sourceLocation)
            return
        }
        try Data(actual.utf8).write(to: url)
        return
    }
    if expected != actual {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for i in 0..<max(e.count, a.count) where diff.count < 20 {
            let l = i < e.count ? String(e[i]) : "<none>"
            let r = i < a.count ? String(a[i]) : "<none>"
            if l != r { diff.append("line \(i + 1):\n  - \(l)\n  + \(r)") }
        }
        let message = "output differs from golden file \(name) (RECORD_GOLDEN=1 to re-record):\n" + diff.joined(separator: "\n")
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}
