/// Building blocks for Markdown that GitHub, GitLab and the like render
/// safely, whatever user data contains.
enum Markdown {
    /// The longest piece of user data shown in one place; longer values are
    /// cut with `…` (an email is at most 254 characters).
    static let longestValue = 256

    /// User data (emails, names, plan ids, codes) as an inline code span:
    /// nothing inside is read as Markdown or HTML. Line breaks and control
    /// characters become visible escapes; a backtick in the value makes the
    /// fence longer, as CommonMark allows.
    static func code(_ value: String) -> String {
        var text = sanitizedForDisplay(value.replacingOccurrences(of: "\n", with: " "))
        if text.count > longestValue { text = String(text.prefix(longestValue - 1)) + "…" }
        // Inside a table cell GitHub splits on `|` even in code spans.
        text = text.replacingOccurrences(of: "|", with: "\\|")
        var fence = "`"
        while text.contains(fence) { fence += "`" }
        let pad = text.hasPrefix("`") || text.hasSuffix("`") || text.isEmpty ? " " : ""
        return fence + pad + text + pad + fence
    }

    /// Free text that may contain user data (diagnostic messages): every
    /// character Markdown or HTML gives a meaning to is escaped.
    static func text(_ value: String) -> String {
        var out = ""
        for character in sanitizedForDisplay(value.replacingOccurrences(of: "\n", with: " ")) {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "#", "+", "!", "|", "~", "@", ":":
                out += "\\" + String(character)
            default: out.append(character)
            }
        }
        return out
    }
}

/// Appends lines to a Markdown document without letting it grow past a
/// limit: what does not fit is counted, never cut in the middle of a line.
struct MarkdownBudget {
    /// GitHub refuses comments longer than 65,536 characters; this leaves room.
    static let commentLimit = 65_000

    private(set) var text = ""
    /// The UTF-8 length of `text`; never less than its character count.
    private(set) var size = 0
    let limit: Int

    init(limit: Int = MarkdownBudget.commentLimit) {
        self.limit = limit
    }

    var remaining: Int { limit - size }

    /// Appends unconditionally (headings, closing tags): callers reserve room.
    mutating func append(_ line: String) {
        text += line
        size += line.utf8.count
    }

    /// Appends `line` if it fits while keeping `reserve` characters free.
    mutating func appendIfFits(_ line: String, reserve: Int) -> Bool {
        guard size + line.utf8.count + reserve <= limit else { return false }
        append(line)
        return true
    }

    /// Appends a bullet list of `items`, at most `cap` of them and only
    /// while they fit leaving `reserve`; then one line counting the rest.
    mutating func appendList<Item>(_ items: [Item], cap: Int, reserve: Int, noun: String, line: (Item) -> String) {
        var shown = 0
        for item in items where shown < cap {
            guard appendIfFits("- " + line(item) + "\n", reserve: reserve + 200) else { break }
            shown += 1
        }
        if shown < items.count {
            append("- … and \(items.count - shown) more \(noun) not shown here (`--format json` lists them all)\n")
        }
    }
}
