import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `SEATCTL_TIMINGS=1`: how long each phase of a command took (wall and
/// process CPU time) and the peak memory at its end, one line per phase on
/// standard error. For finding where the time of a large plan or apply
/// goes; off by default. It lives here rather than in SeatCore, which does
/// no I/O: the store and the commands time their own phases.
public enum PhaseTimes {
    public static let isEnabled: Bool = {
        guard let value = ProcessInfo.processInfo.environment["SEATCTL_TIMINGS"] else { return false }
        return !value.isEmpty && value != "0"
    }()

    /// Runs `body`, and reports its times as `name` when timings are on.
    public static func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard isEnabled else { return try body() }
        let (wall, cpu) = (clock(CLOCK_MONOTONIC), clock(CLOCK_PROCESS_CPUTIME_ID))
        defer {
            let line = "timing: " + name.padding(toLength: 10, withPad: " ", startingAt: 0)
                + " wall " + seconds(clock(CLOCK_MONOTONIC) - wall) + " cpu " + seconds(clock(CLOCK_PROCESS_CPUTIME_ID) - cpu)
                + " peak " + String(peakMegabytes()) + " MB\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        return try body()
    }

    private static func clock(_ id: clockid_t) -> Double {
        var spec = timespec()
        clock_gettime(id, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// The process's peak resident memory so far.
    private static func peakMegabytes() -> Int {
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss) / 1_048_576
        #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) / 1024
        #endif
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.3fs", value)
    }
}
