import Foundation

/// Work started on another thread at once, so that it runs on a second core
/// while the caller does something else; ``value()`` waits for it.
///
/// Whoever starts one waits for it on every path, errors included (see
/// ``join()``): a command never returns while its work still runs. What the
/// work captured (a ledger connection, say) is let go before the wait ends,
/// so the caller's last reference closes it as if it had never been shared.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    // `body` and `outcome` are touched by the worker's thread only until it
    // signals `done`, and by the caller only after waiting for `done`: the
    // semaphore orders the two, so no other lock is needed.
    private var body: (@Sendable () throws -> Value)?
    private var outcome: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)
    private var waited = false

    init(_ body: @escaping @Sendable () throws -> Value) {
        self.body = body
        Thread { [self] in work() }.start()
    }

    private func work() {
        outcome = Result { try body!() }
        body = nil
        done.signal()
    }

    /// Waits for the work to end; its value, or rethrows what it threw.
    func value() throws -> Value {
        join()
        return try outcome!.get()
    }

    /// Waits for the work to end, ignoring its outcome. Safe to call more than once.
    func join() {
        guard !waited else { return }
        done.wait()
        waited = true
    }
}
