import Foundation
@testable import SeatStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The ledger file through the binary: created owner-only, and every file
/// it cannot use (damaged, newer, a directory, unwritable, on a full disk)
/// is refused with a message naming the path and what to do, leaving every
/// byte of it and of its `-wal`/`-shm` companions as it was.
@Suite struct LedgerFileCLITests {
    static let now = "2026-11-22T09:00:00Z"
    static let seats = """
        account: files
        kind: enterprise
        emailDomains: [files.example]
        plans:
          time-monthly:
            licenses: 2
        users:
          ann@files.example:
            role: administrator
            plans: [time-monthly]

        """

    /// Commands that read or write the ledger; each must refuse a bad one.
    static let commands: [[String]] = [
        ["apply", "--auto-approve", "seats.yaml"], ["plan", "seats.yaml"], ["status"], ["history"], ["validate", "seats.yaml"],
    ]

    /// A scratch directory whose ledger holds one applied account.
    static func applied() throws -> SeatctlRunner {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", seats)
        let result = try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", now])
        try #require(result.status == 0, "\(result.stderr)")
        return seatctl
    }

    static func ledger(_ seatctl: SeatctlRunner) -> String {
        seatctl.directory.appendingPathComponent("State/ledger.sqlite").path
    }

    @Test func newLedgerIsOwnerOnlyWhateverTheUmask() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", Self.seats)
        // A umask of 000 would leave new files world-writable.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 000; exec \"$0\" apply --auto-approve seats.yaml --now \(Self.now)", SeatctlRunner.binary.path]
        process.currentDirectoryURL = seatctl.directory
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": seatctl.directory.path, "SEATCTL_ACTOR": "test"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Self.mode(Self.ledger(seatctl)) == 0o600)
        #expect(try Self.mode(seatctl.directory.appendingPathComponent("State").path) == 0o700)
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case truncatedToHalf, truncatedMidPage, scrambledPages, garbage

        var testDescription: String { rawValue }
    }

    /// A damaged ledger, with the `-wal` and `-shm` files a killed apply
    /// left beside it, is refused by every command and never rewritten.
    @Test(arguments: Damage.allCases)
    func damagedLedgerIsRefusedAndLeftAsItWas(damage: Damage) throws {
        let seatctl = try Self.applied()
        // Grow the ledger over several pages, then leave -wal and -shm behind.
        var bigger = Self.seats.replacingOccurrences(of: "licenses: 2", with: "licenses: 400")
        bigger += (1...300).map { "  user\($0)@files.example:\n    name: User number \($0) with a longish name\n" }.joined()
        try seatctl.write("seats.yaml", bigger)
        try #require(try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now]).status == 0)
        try seatctl.write("seats.yaml", Self.seats)

        let path = Self.ledger(seatctl)
        var bytes = try #require(FileManager.default.contents(atPath: path))
        try #require(bytes.count >= 8 * 4096, "the ledger spans several pages")
        switch damage {
        case .truncatedToHalf: bytes = bytes.prefix(bytes.count / 2 / 4096 * 4096)
        case .truncatedMidPage: bytes = bytes.prefix(bytes.count - 1000)
        case .scrambledPages: for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        case .garbage: bytes = Data(String(repeating: "this is not a ledger\n", count: 500).utf8)
        }
        try bytes.write(to: URL(fileURLWithPath: path))
        // What a crash leaves: a -wal holding no committed frame and a -shm.
        try Data(repeating: 0, count: 32).write(to: URL(fileURLWithPath: path + "-wal"))
        try Data(repeating: 0, count: 32768).write(to: URL(fileURLWithPath: path + "-shm"))
        let before = try seatctl.stateBytes()
        #expect(before.keys.sorted() == ["ledger.sqlite", "ledger.sqlite-shm", "ledger.sqlite-wal"])

        for command in Self.commands {
            let result = try seatctl.run(command + ["--now", Self.now])
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.hasPrefix("error: cannot use the ledger at State/ledger.sqlite: "), "\(command): \(result.stderr)")
            #expect(result.stderr.contains(Self.expectedReason(damage)), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("hint: "), "\(command): \(result.stderr)")
            #expect(try seatctl.stateBytes() == before, "\(command) changed the ledger files")
        }
    }

    static func expectedReason(_ damage: Damage) -> String {
        switch damage {
        case .truncatedToHalf: return "it is truncated"
        case .truncatedMidPage: return "it is truncated or corrupted"
        case .scrambledPages: return "corrupted"
        case .garbage: return "it is not a SQLite database"
        }
    }

    @Test func ledgerOfANewerSeatctlIsRefusedNamingBothVersions() throws {
        let seatctl = try Self.applied()
        let path = Self.ledger(seatctl)
        try SQLiteShell.run(path, "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        let before = try seatctl.stateBytes()
        for command in Self.commands {
            let result = try seatctl.run(command + ["--now", Self.now])
            #expect(result.status == 1)
            #expect(result.stderr == """
                error: the ledger at State/ledger.sqlite was written by a newer seatctl (schema v99; this seatctl supports up to \(LedgerSchema.name(LedgerSchema.version))); upgrade seatctl

                """, "\(command)")
            #expect(try seatctl.stateBytes() == before)
        }
    }

    @Test func directoryIsRefused() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", Self.seats)
        try FileManager.default.createDirectory(at: seatctl.directory.appendingPathComponent("State/ledger.sqlite"),
                                                withIntermediateDirectories: true)
        let result = try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("""
            error: cannot use the ledger at State/ledger.sqlite: it is a directory, not a ledger file
              hint: point --state (or SEATCTL_STATE) at a file, e.g. State/ledger.sqlite/ledger.sqlite

            """), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: Self.ledger(seatctl)) == [])
    }

    /// Run as an ordinary user: root reads and writes anything, so when the
    /// tests run as root the command runs as `nobody` (setpriv), which is
    /// what an unwritable ledger means for a real user.
    @Test func unwritableLedgerIsRefusedAndLeftAsItWas() throws {
        let seatctl = try Self.applied()
        let path = Self.ledger(seatctl)
        if geteuid() != 0 {
            #expect(chmod(path, 0o400) == 0)
        }
        // Let `nobody` reach the scratch directory and the file (not write them).
        #expect(chmod(seatctl.directory.path, 0o755) == 0)
        #expect(chmod(seatctl.directory.appendingPathComponent("State").path, 0o755) == 0)
        #expect(chmod(seatctl.directory.appendingPathComponent("seats.yaml").path, 0o644) == 0)
        let before = try seatctl.stateBytes()
        let result = try Self.runAsUnprivileged(seatctl, ["apply", "--auto-approve", "seats.yaml", "--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stderr == """
            error: cannot use the ledger at State/ledger.sqlite: it is not readable and writable by this user (Permission denied)
              hint: run seatctl as the user who owns the ledger, or give this user read and write access to it and its directory

            """)
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func unwritableDirectoryIsRefusedWithoutCreatingAnything() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", Self.seats)
        let state = seatctl.directory.appendingPathComponent("State")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: false)
        #expect(chmod(seatctl.directory.path, 0o755) == 0)
        #expect(chmod(state.path, 0o555) == 0)
        #expect(chmod(seatctl.directory.appendingPathComponent("seats.yaml").path, 0o644) == 0)
        let result = try Self.runAsUnprivileged(seatctl, ["apply", "--auto-approve", "seats.yaml", "--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stderr == """
            error: cannot use the ledger at State/ledger.sqlite: cannot create the file: Permission denied
              hint: run seatctl as the user who owns the ledger, or give this user read and write access to it and its directory

            """)
        #expect(try FileManager.default.contentsOfDirectory(atPath: state.path) == [])
    }

    /// A real full disk: the ledger on a small tmpfs filled to the last
    /// byte. Needs root (to mount), which the test machines and CI have.
    @Test func fullDiskIsReportedAndTheLedgerIsLeftAsItWas() throws {
        let seatctl = try Self.applied()
        let mount = seatctl.directory.appendingPathComponent("full").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: false)
        let mounted = try Self.shell("mount -t tmpfs -o size=1m,mode=0700 seatctl-full-disk-test '\(mount)'")
        try #require(mounted == 0, "mounting a small tmpfs needs root with CAP_SYS_ADMIN")
        defer { _ = try? Self.shell("umount '\(mount)'") }
        let ledger = mount + "/ledger.sqlite"
        try #require(try Self.shell("cp -p '\(Self.ledger(seatctl))' '\(ledger)'") == 0)
        // Fill every free block (dd stops at ENOSPC), then free 96 KiB: room
        // to open the ledger, none for the apply's writes.
        _ = try Self.shell("dd if=/dev/zero of='\(mount)/filler' bs=4096 2>/dev/null")
        try #require(try Self.shell("truncate -s -98304 '\(mount)/filler'") == 0)
        let before = try Self.files(in: mount)

        var many = Self.seats.replacingOccurrences(of: "licenses: 2", with: "licenses: auto")
        many += (1...500).map { "  user\($0)@files.example:\n    plans: [time-monthly]\n" }.joined()
        try seatctl.write("many.yaml", many)
        let result = try seatctl.run(["apply", "--auto-approve", "many.yaml", "--state", ledger, "--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("""
            error: cannot use the ledger at \(ledger): the disk holding it is full; nothing was written
              hint: free some space on that disk (or move the ledger to a disk with room) and run the command again

            """), "\(result.stderr)")
        #expect(try Self.files(in: mount) == before)

        // With no block left at all, SQLite fails before writing (sizing its
        // -shm file): the same message.
        _ = try Self.shell("dd if=/dev/zero of='\(mount)/filler2' bs=4096 2>/dev/null")
        let full = try Self.files(in: mount)
        let status = try seatctl.run(["status", "--state", ledger, "--now", Self.now])
        #expect(status.status == 1)
        #expect(status.stderr.hasSuffix("""
            error: cannot use the ledger at \(ledger): the disk holding it is full; nothing was written
              hint: free some space on that disk (or move the ledger to a disk with room) and run the command again

            """), "\(status.stderr)")
        let after = try Self.files(in: mount)
        #expect(after["ledger.sqlite"] == full["ledger.sqlite"])
        #expect(Set(full.keys).isSubset(of: Set(after.keys)))
        // SQLite may create the -wal and -shm files before failing to size
        // them: an empty -wal, and a -shm (a scratch index of the -wal,
        // never ledger data) holding the few bytes it managed to write.
        #expect(Set(after.keys).subtracting(full.keys).isSubset(of: ["ledger.sqlite-wal", "ledger.sqlite-shm"]))
        if full["ledger.sqlite-wal"] == nil { #expect(after["ledger.sqlite-wal"]?.isEmpty ?? true) }
    }

    // MARK: - Helpers

    static func mode(_ path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func files(in directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = FileManager.default.contents(atPath: directory + "/" + name)
        }
        return files
    }

    @discardableResult
    static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs seatctl as the current user when that is not root, else as
    /// `nobody`, so permissions apply.
    static func runAsUnprivileged(_ seatctl: SeatctlRunner, _ arguments: [String]) throws -> SeatctlRunner.Result {
        guard geteuid() == 0 else { return try seatctl.run(arguments) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", SeatctlRunner.binary.path] + arguments
        process.currentDirectoryURL = seatctl.directory
        var env = ["PATH": "/usr/bin:/bin", "HOME": seatctl.directory.path]
        env.merge(seatctl.environment) { _, new in new }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return SeatctlRunner.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                    stderr: String(decoding: stderr, as: UTF8.self))
    }
}
