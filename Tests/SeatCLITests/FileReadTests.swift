import Foundation
import SeatTestSupport
import Testing
@testable import SeatCLI

/// A file named on the command line is read whole, byte for byte, whether
/// it is a regular file (read straight into an array), empty, or a pipe
/// (read to its end through `FileHandle`); a file that cannot be opened gives nil.
struct FileReadTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seatctl-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: [0, 1, 4_096, 300_001] as [Int])
    func aRegularFileIsReadWhole(size: Int) throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SplitMix64(seed: UInt64(size))
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
        let path = folder.appendingPathComponent("seats.yaml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(Session.contents(of: path) == bytes)
        #expect(try Session.read(path).bytes == bytes)
    }

    @Test func aMissingFileIsNil() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(Session.contents(of: folder.appendingPathComponent("none.yaml").path) == nil)
    }

    @Test func aPipeIsReadWhole() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("pipe.yaml").path
        #expect(mkfifo(path, 0o600) == 0)
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.write(Data(bytes))
            try? handle.close()
        }
        writer.start()
        #expect(Session.contents(of: path) == bytes)
    }
}
