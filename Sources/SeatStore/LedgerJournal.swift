/// Journal conventions every ``LedgerStore`` shares, for what the journal
/// records outside an account's applies.
public enum LedgerJournal {
    /// The `account` of entries that belong to no account (catalog imports).
    /// `journal(account: nil, …)` includes them; so does `journal(account: "", …)`.
    public static let catalogAccount = ""

    /// The `action` of the entry ``LedgerStore/importCatalog(_:actor:at:)`` writes.
    /// Its `from` and `to` summarise the catalogs (`7 plans in USD`, `from`
    /// nil for the first import) and its `serial` is 0.
    public static let importCatalogAction = "import_catalog"

    /// The `subject` of a catalog import's entry.
    public static let catalogSubject = "catalog"
}
