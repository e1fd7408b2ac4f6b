import Foundation
import SeatCore

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

    /// What the journal shows for a catalog: `7 plans in USD`.
    public static func summary(_ catalog: Catalog) -> String {
        "\(catalog.plans.count) plan\(catalog.plans.count == 1 ? "" : "s") in \(catalog.currency)"
    }

    /// The entry that journals replacing `previous` (nil: none) with `catalog`.
    public static func catalogImport(from previous: Catalog?, to catalog: Catalog, actor: String, at: Date) -> JournalEntry {
        JournalEntry(at: at, account: catalogAccount, actor: actor, action: importCatalogAction, subject: catalogSubject,
                     from: previous.map(summary), to: summary(catalog), serial: 0)
    }
}
