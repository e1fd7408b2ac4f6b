import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM, caught through Dispatch signal sources so that a
/// round in progress finishes (its transaction commits or rolls back and its
/// lock is released) before the loop stops. A wait between rounds ends at
/// once when a signal arrives.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var received: Int32?
    private let wake = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers; the default action (terminating at once) is
    /// switched off for both signals while the loop runs.
    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.stop(number) }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }

    private func stop(_ number: Int32) {
        lock.lock()
        let first = !stopped
        stopped = true
        received = number
        lock.unlock()
        if first { wake.signal() }
    }

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// `SIGTERM` or `SIGINT`, once one arrived.
    var signalName: String? {
        lock.lock()
        defer { lock.unlock() }
        return received.map { $0 == SIGTERM ? "SIGTERM" : "SIGINT" }
    }

    /// Waits `seconds`, or until a signal arrives; true when stopped.
    func wait(seconds: Double) -> Bool {
        if isStopped { return true }
        _ = wake.wait(timeout: .now() + seconds)
        return isStopped
    }
}
