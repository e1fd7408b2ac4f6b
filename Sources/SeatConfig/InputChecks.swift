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

    /// Why `name` cannot be a display name (a line break, a control or
    /// invisible character, more than 256 characters), or nil: the file's rule.
    public static func nameProblem(_ name: String) -> String? {
        Validation.nameProblem(name)
    }
}
