import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// `exportLedger`/`importLedger`, which `seatctl state copy` is made of,
/// between every pair of stores.
@Suite("LedgerStore copy")
struct LedgerCopyContractTests {
    static var pairs: [(StoreKind, StoreKind)] {
        StoreKind.allCases.flatMap { source in StoreKind.allCases.map { (source, $0) } }
    }

    @Test(arguments: pairs)
    func aCopyReadsBackEqualAndRefusesANonEmptyTarget(source: StoreKind, target: StoreKind) throws {
        try source.withStore { from in
            try from.importCatalog(Sample.catalog, actor: "admin", at: Sample.t0)
            try from.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            try from.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("beta", codePrefix: "B") }
            var acme = Sample.creation("acme")
            acme.isNewAccount = false
            acme.account.serial = 2
            acme.licenses = []
            acme.deferrals = []
            acme.contractStarts = [:]
            acme.journal = [Sample.entry("acme", "update_user", "bob@acme.example", at: Sample.at(60), serial: 2)]
            try from.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in acme }
            let export = try from.exportLedger()
            #expect(export.counts == LedgerCounts(catalogPlans: 2, accounts: 2, users: 6, licenses: 8, contractTerms: 4,
                                                  deferrals: 2, invoices: 0, invoiceLines: 0, payments: 0, deliveries: 0,
                                                  adjustments: 0, journalEntries: 1 + 4 + 4 + 1))
            #expect(export.accounts.map { $0.account?.serial } == [2, 1])

            try target.withStore { to in
                try to.importLedger(export)
                #expect(try to.exportLedger() == export)
                #expect(try LedgerState(to, accounts: ["acme", "beta"]) == LedgerState(from, accounts: ["acme", "beta"]))
                #expect(throws: LedgerError.self) { try to.importLedger(export) }
                #expect(try to.exportLedger() == export)
                // The copy goes on where the source left off.
                try to.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 2) { _, _ in
                    LedgerWrites(account: Sample.account("acme", serial: 3), isNewAccount: false)
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anEmptyLedgerCopiesAsEmpty(kind: StoreKind) throws {
        try kind.withStore { store in
            let export = try store.exportLedger()
            #expect(export == LedgerContents(catalog: nil, accounts: [], journal: []))
            try store.importLedger(export)
            #expect(try store.exportLedger() == export)
        }
    }
}
