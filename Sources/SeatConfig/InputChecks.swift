/// The file's checks on single values, for values typed on the command line
/// (the portal's `--account`, `EMAIL` and `--name`), so both say the same.
public enum InputChecks {
    /// Why `email` is not a usable address, or nil.
    public static func emailProblem(_ email: String) -> String? {
        Validation.emailProblem(email.lowercased())
    }

    /// Whether `text` is an account slug or plan id.
    public static func isSlug(_ text: String) -> Bool {
        Validation.isSlug(text)
    }

    /// Whether `text` holds a control or formatting character (terminal
    /// escapes included) that has no place in a name.
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { Validation.classify($0) == .control }
    }
}
