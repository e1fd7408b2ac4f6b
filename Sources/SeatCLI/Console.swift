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
    /// plan of a first apply of 100,000 users is 24.5 MB of text (ten times
    /// that at 1,000,000), which a `Data` made of it copied once more. A write that fails (a closed
    /// pipe, a full disk) ends the output.
    private static func put(_ text: String, to descriptor: Int32) {
        var text = StyleMark.resolved(text)
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
///
/// A styled text is marked while it is built, not coloured: a view then
/// escapes every control character in the text as a whole
/// (`sanitizedForDisplay`), the values of files and ledgers included,
/// which leaves the marks alone, and the marks become colour codes only as
/// the text is written (`Console`). A mark carries a key drawn for the
/// process, so a value cannot pass for one.
struct Style: Sendable {
    var enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
        if enabled { StyleMark.activate() }
    }

    func bold(_ s: String) -> String { wrap(s, "1") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func cyan(_ s: String) -> String { wrap(s, "36") }
    func dim(_ s: String) -> String { wrap(s, "2") }

    private func wrap(_ s: String, _ code: String) -> String {
        enabled ? StyleMark.start(code) + s + StyleMark.start("0") : s
    }
}

/// The marks ``Style`` puts where colour codes go: U+E000, the process's
/// key, the SGR parameters (`1`, `32`, `0`, ...), U+E001. Private-use
/// characters, which the terminal sanitizer leaves as they are.
enum StyleMark {
    /// 16 hex digits from the system's secure random source.
    static let key: String = {
        var generator = SystemRandomNumberGenerator()
        let hex = String(generator.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var isActive = false

    /// Called by the first coloured ``Style``: until then no text can hold
    /// a mark, and output is written without looking for one.
    static func activate() {
        lock.withLock { isActive = true }
    }

    static func start(_ code: String) -> String {
        "\u{E000}" + key + code + "\u{E001}"
    }

    /// `text` with each of this process's marks turned into its ANSI
    /// sequence. A mark with another key (a value that looks like one)
    /// stays as it is.
    static func resolved(_ text: String) -> String {
        guard lock.withLock({ isActive }) else { return text }
        let opening = Array(("\u{E000}" + key).utf8)
        let closing = Array("\u{E001}".utf8)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == opening[0], bytes[index...].starts(with: opening) {
                let codeStart = index + opening.count
                var end = codeStart
                while end < bytes.count, bytes[end] == UInt8(ascii: ";") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) {
                    end += 1
                }
                if bytes[end...].starts(with: closing) {
                    out.append(0x1B)
                    out.append(UInt8(ascii: "["))
                    out.append(contentsOf: bytes[codeStart..<end])
                    out.append(UInt8(ascii: "m"))
                    index = end + closing.count
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
