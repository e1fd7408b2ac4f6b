import Foundation
import SeatTestSupport
import Testing
@testable import SeatCLI

/// A file named on the command line is read whole, byte for byte, whether
/// it is a regular file (read straight into an array), empty, or a pipe
/// (read to its end through `FileHandle`); a file that cannot be opened gives nil.
struct FileReadTests {
    @Test(arguments: [0, 1, 4_096, 300_001] as [Int])
    func aRegularFileIsReadWhole(size: Int) throws {
        let scratch = try ScratchDirectory(prefix: "seatctl-read")
        var random = SplitMix64(seed: UInt64(size))
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
        let path = scratch.url.appendingPathComponent("seats.yaml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(Session.contents(of: path) == bytes)
        #expect(try Session.read(path).bytes == bytes)
    }

    @Test func aMissingFileIsNil() throws {
        let scratch = try ScratchDirectory(prefix: "seatctl-read")
        #expect(Session.contents(of: scratch.url.appendingPathComponent("none.yaml").path) == nil)
    }

    /// A pipe closed without a byte is an empty file, not a missing one.
    @Test(arguments: [0, 200_000])
    func aPipeIsReadWhole(size: Int) throws {
        let scratch = try ScratchDirectory(prefix: "seatctl-read")
        let path = scratch.url.appendingPathComponent("pipe.yaml").path
        #expect(mkfifo(path, 0o600) == 0)
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.write(Data(bytes))
            try? handle.close()
        }
        writer.start()
        #expect(Session.contents(of: path) == bytes)
    }
}
