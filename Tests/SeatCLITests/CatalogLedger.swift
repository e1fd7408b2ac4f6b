import SeatCore
import SeatStore
@testable import SeatCLI

/// An in-memory SQLite ledger holding the built-in catalog, and a session
/// whose clock is `now`: where in-process tests of a command's steps start.
struct CatalogLedger {
    let catalog: Catalog
    let store: SQLiteLedgerStore
    let session: Session

    init(now: String) throws {
        catalog = try Session.builtInCatalog()
        store = try SQLiteLedgerStore.inMemory()
        session = try Session(GlobalOptions.parse(["--now", now]))
        try store.importCatalog(catalog, actor: "t", at: session.now)
    }
}
