import Foundation

/// Work started on another thread at once, so that it runs on a second core
/// while the caller does something else; ``value()`` waits for it, from any
/// thread and as often as needed.
///
/// Whoever starts one waits for it on every path, errors included (see
/// ``join()``): a command never returns while its work still runs. What the
/// work captured (a ledger connection, say) is let go before the wait ends,
/// so the caller's last reference closes it as if it had never been shared.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    // `body` and `outcome` are touched by the worker's thread only until it
    // leaves `done`, and by waiters only after `done` is left: the group
    // orders the two, so no other lock is needed.
    private var body: (@Sendable () throws -> Value)?
    private var outcome: Result<Value, any Error>?
    private let done = DispatchGroup()

    init(_ body: @escaping @Sendable () throws -> Value) {
        self.body = body
        done.enter()
        Thread { [self] in work() }.start()
    }

    private func work() {
        outcome = Result { try body!() }
        body = nil
        done.leave()
    }

    /// Waits for the work to end; its value, or rethrows what it threw.
    func value() throws -> Value {
        join()
        return try outcome!.get()
    }

    /// Waits for the work to end, ignoring its outcome.
    func join() {
        done.wait()
    }
}

/// A value one thread hands to others part-way through its work: set once
/// (later calls are ignored), waited for by ``value()`` from any thread.
final class Handoff<Value: Sendable>: @unchecked Sendable {
    // `outcome` is only touched under `condition`'s lock.
    private var outcome: Result<Value, any Error>?
    private let condition = NSCondition()

    func put(_ result: Result<Value, any Error>) {
        condition.lock()
        if outcome == nil {
            outcome = result
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Waits until a value is put; it, or what was put instead of it.
    func value() throws -> Value {
        condition.lock()
        while outcome == nil { condition.wait() }
        let result = outcome!
        condition.unlock()
        return try result.get()
    }
}
