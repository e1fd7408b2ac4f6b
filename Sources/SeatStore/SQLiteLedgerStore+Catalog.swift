import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    static func readCatalog(_ db: Database) throws -> Catalog? {
        guard let currency = try String.fetchOne(db, sql: "SELECT currency FROM catalog WHERE singleton = 1") else {
            return nil
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, name, products, billing, commitment, contract_months, price_minor_units, price_currency,
                   storage_per_license_gb, offered_to, min_licenses, max_licenses
            FROM catalog_plans ORDER BY id
            """)
        var plans: [CatalogPlan] = []
        while let row = try rows.next() {
            plans.append(CatalogPlan(
                id: try row.decode(atIndex: 0),
                name: try row.decode(atIndex: 1),
                products: try decodeList(row, 2),
                billing: try decode(BillingPeriod.self, row, 3, "billing period"),
                commitment: try decode(Commitment.self, row, 4, "commitment"),
                contractMonths: try row.decode(atIndex: 5),
                price: Money(minorUnits: try row.decode(atIndex: 6), currency: try row.decode(atIndex: 7)),
                storagePerLicenseGB: try row.decode(atIndex: 8),
                offeredTo: try decodeList(row, 9).map { raw in
                    guard let kind = AccountKind(rawValue: raw) else {
                        throw LedgerError.database("the ledger holds an unknown account kind; was it written by a newer seatctl?")
                    }
                    return kind
                },
                minLicenses: try row.decode(atIndex: 10),
                maxLicenses: try row.decode(atIndex: 11)))
        }
        return Catalog(currency: currency, plans: plans)
    }

    /// Replaces the catalog and journals the import, in the caller's transaction.
    static func writeCatalog(_ catalog: Catalog, actor: String, at: Date, _ db: Database) throws {
        let previous = try readCatalog(db)
        try writeCatalogRows(catalog, db)
        try appendJournal([LedgerJournal.catalogImport(from: previous, to: catalog, actor: actor, at: at)], db)
    }

    /// Replaces the catalog's rows, without journaling.
    static func writeCatalogRows(_ catalog: Catalog, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM catalog_plans")
        try db.execute(sql: "INSERT OR REPLACE INTO catalog (singleton, currency) VALUES (1, ?)", arguments: [catalog.currency])
        let statement = try db.cachedStatement(sql: """
            INSERT INTO catalog_plans (id, name, products, billing, commitment, contract_months, price_minor_units,
                                       price_currency, storage_per_license_gb, offered_to, min_licenses, max_licenses)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for plan in catalog.plans {
            try statement.execute(arguments: [
                plan.id, plan.name, try encodeList(plan.products), plan.billing.rawValue, plan.commitment.rawValue,
                plan.contractMonths, plan.price.minorUnits, plan.price.currency, plan.storagePerLicenseGB,
                try encodeList(plan.offeredTo.map(\.rawValue)), plan.minLicenses, plan.maxLicenses,
            ])
        }
    }

    private static func encodeList(_ list: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
    }

    private static func decodeList(_ row: Row, _ index: Int) throws -> [String] {
        let text = try row.decode(String.self, atIndex: index)
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw LedgerError.database("the ledger's catalog holds a list that is not a JSON array of strings")
        }
        return list
    }
}
