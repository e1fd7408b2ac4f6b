import ArgumentParser
import Foundation

/// A length of time written like `15m`, `30s`, `1h30m` or `2d`, as
/// `reconcile --every` and its back-off flags take it.
struct LoopDuration: ExpressibleByArgument, Equatable, CustomStringConvertible {
    let seconds: Int

    init(seconds: Int) {
        self.seconds = seconds
    }

    init?(argument: String) {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var total = 0
        var digits = ""
        for character in argument {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let value = Int(digits) {
                let (product, overflow) = value.multipliedReportingOverflow(by: unit)
                guard !overflow, total <= Int.max - product else { return nil }
                total += product
                digits = ""
            } else {
                return nil
            }
        }
        guard digits.isEmpty, total > 0 else { return nil }
        seconds = total
    }

    /// `1h30m`, `15m`, `45s`.
    var description: String {
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}

/// How long to wait after `failures` failed rounds in a row: capped
/// exponential back-off (`base`, 2×, 4×… up to `cap`) with jitter, so many
/// reconcilers that failed together do not retry together. With no failure
/// the wait is the loop's interval.
struct Backoff {
    var interval: Int
    var base: Int
    var cap: Int

    /// The un-jittered delay, in seconds.
    func ceiling(failures: Int) -> Int {
        guard failures > 0 else { return interval }
        let exponent = min(failures - 1, 30)
        let (grown, overflow) = base.multipliedReportingOverflow(by: 1 << exponent)
        return overflow ? cap : min(cap, grown)
    }

    /// Between half the ceiling and the ceiling ("equal jitter").
    func delay(failures: Int, random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Double {
        let ceiling = Double(self.ceiling(failures: failures))
        guard failures > 0 else { return ceiling }
        return random(ceiling / 2 ... ceiling)
    }
}
