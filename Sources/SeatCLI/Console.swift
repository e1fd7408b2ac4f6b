import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output, standard error and standard input, and whether each is a
/// terminal. Reports go to standard output; diagnostics to standard error.
struct Console {
    var color: Bool

    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Colour only on a terminal, and never with `--no-color` or `NO_COLOR`.
    static func wantsColor(noColorFlag: Bool, terminal: Bool) -> Bool {
        if noColorFlag { return false }
        if let value = ProcessInfo.processInfo.environment["NO_COLOR"], !value.isEmpty { return false }
        return terminal
    }

    static func out(_ text: String) {
        put(text, to: STDOUT_FILENO)
    }

    static func err(_ text: String) {
        put(text, to: STDERR_FILENO)
    }

    /// Writes the text's UTF-8 bytes from where they are, all of them: the
    /// plan of a first apply of 1,000,000 users is 250 MB of text, which a
    /// `Data` made of it copied once more. A write that fails (a closed
    /// pipe, a full disk) ends the output.
    private static func put(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    static func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }
}

/// ANSI styling that disappears when colour is off.
struct Style: Sendable {
    var enabled: Bool

    func bold(_ s: String) -> String { wrap(s, "1") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func cyan(_ s: String) -> String { wrap(s, "36") }
    func dim(_ s: String) -> String { wrap(s, "2") }

    private func wrap(_ s: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
