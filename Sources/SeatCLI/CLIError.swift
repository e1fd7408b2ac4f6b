import ArgumentParser
import SeatConfig
import SeatCore
import SeatStore

/// Every way a seatctl command can fail, mapped to a message and an exit
/// code in one place.
enum CLIError: Error, CustomStringConvertible {
    /// Diagnostics were already printed; exit 1.
    case reported
    /// A one-line message for standard error; exit 1.
    case message(String, hint: String? = nil)
    /// Apply was declined at the prompt.
    case declined
    /// A business rule refused a command; exit 1.
    case rule(RuleCode, String, hint: String? = nil)

    var description: String {
        switch self {
        case .reported: return ""
        case let .message(text, hint): return "error: \(text)" + (hint.map { "\n  hint: \($0)" } ?? "")
        case .declined: return "Apply cancelled."
        case let .rule(code, text, hint): return "error: \(text) [\(code.rawValue)]" + (hint.map { "\n  hint: \($0)" } ?? "")
        }
    }

    /// Turns any error a command throws into what the user sees and the exit code.
    static func report(_ error: Error) -> ExitCode {
        switch error {
        case let error as CLIError:
            if case .reported = error { return .failure }
            Console.err(sanitizedForDisplay(error.description) + "\n")
            return .failure
        case let error as LedgerError:
            Console.err("error: " + sanitizedForDisplay(error.description) + (error.hint.map { "\n  hint: \($0)" } ?? "") + "\n")
            return .failure
        case let error as BillingStoreError:
            Console.err("error: " + sanitizedForDisplay(error.description) + "\n")
            return .failure
        case let error as ApplyError:
            Console.err("error: the change set no longer fits the ledger (\(sanitizedForDisplay(error.description))); nothing was applied\n  hint: run `seatctl plan` again\n")
            return .failure
        default:
            Console.err("error: \(sanitizedForDisplay(String(describing: error)))\n")
            return .failure
        }
    }
}

/// Replaces control characters (terminal escapes included) and invisible
/// characters with visible `\u{…}` escapes before text reaches a terminal;
/// keeps line breaks. The same set as `sanitizedForTerminal`.
func sanitizedForDisplay(_ text: String) -> String {
    // Fast path: text with nothing to escape but newlines is kept as it is
    // (a whole plan of a large account is one such text).
    if !text.unicodeScalars.contains(where: { $0 != "\n" && needsTerminalEscape($0) }) { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { sanitizedForTerminal(String($0)) }
        .joined(separator: "\n")
}
