import Foundation

/// A new empty directory under the system's temporary directory, removed
/// with everything in it when the last reference to it goes away, so that
/// a test leaves nothing behind whether it passes, fails or throws.
public final class ScratchDirectory: Sendable {
    public let url: URL

    /// Creates `<tmp>/<prefix>-<UUID>`.
    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
