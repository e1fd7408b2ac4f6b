import Foundation
import SeatTestSupport
import Testing

/// The tests' scratch directories go away with the runner that made them,
/// files and all, once no copy of the runner is left.
struct ScratchDirectoryTests {
    @Test func aRunnersDirectoryIsRemovedWithItsLastCopy() throws {
        var path = ""
        var copy: SeatctlRunner?
        do {
            let runner = try SeatctlRunner()
            path = runner.directory.path
            _ = try runner.write("State/notes.txt", "kept while a copy lives")
            copy = runner
        }
        #expect(FileManager.default.fileExists(atPath: path + "/State/notes.txt"))
        #expect(copy?.directory.path == path)
        copy = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
