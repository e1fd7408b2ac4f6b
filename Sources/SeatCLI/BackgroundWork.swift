import Foundation

/// Work started on another thread at once, so that it runs on a second core
/// while the caller does something else; ``value()`` waits for it.
///
/// Whoever starts one waits for it on every path, errors included (see
/// ``join()``): a command never returns while its work still runs.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    // `outcome` is written once on the worker's thread before `done` is
    // signalled, and read only after waiting for `done`: the semaphore
    // orders the two, so no other lock is needed.
    private var outcome: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)
    private var waited = false

    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            outcome = Result { try body() }
            done.signal()
        }
        thread.start()
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
