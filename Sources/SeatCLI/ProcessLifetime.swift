import Foundation

/// Large values a command is done with just before the process exits.
///
/// Freeing a plan of a 100,000-user account (its maps of users, licenses
/// and billing records) takes a noticeable share of a command's time, and
/// the operating system reclaims the memory at exit anyway: a command hands
/// such values here once it has printed its result, and they are never
/// freed. Only for values that live until the command ends.
enum ProcessLifetime {
    private final class Kept: @unchecked Sendable {
        let lock = NSLock()
        var values: [Any] = []
    }

    private static let kept = Kept()

    static func keepUntilExit(_ value: Any) {
        kept.lock.lock()
        kept.values.append(value)
        kept.lock.unlock()
    }
}
