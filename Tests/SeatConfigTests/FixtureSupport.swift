import Foundation
import SeatCore
@testable import SeatConfig

/// Reads the test fixtures bundled under `Fixtures/`.
enum Fixtures {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FixtureError.missing("Fixtures")
        }
        let url = root.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw FixtureError.missing(path) }
        return [UInt8](data)
    }

    enum FixtureError: Error { case missing(String) }
}

/// Renders diagnostics without colour against the given file's bytes.
func rendered(_ diagnostics: [Diagnostic], file: String, bytes: [UInt8]) -> String {
    DiagnosticRenderer(sources: [file: bytes], color: false).render(diagnostics)
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// SeatCore's `SourceLocation`; Swift Testing has a type of the same name.
typealias FileLocation = SourceLocation
