import GRDB
import Testing
@testable import SeatStore

/// `BulkInsert` binds every text value of a statement from one shared
/// buffer: each value must land in its own column, whole, whatever its
/// length, encoding or neighbours.
@Suite("Bulk insert")
struct BulkInsertTests {
    /// Row `i`: two texts of varying shape (empty, short, one byte of
    /// non-ASCII, long, emoji, NULL) and an integer.
    static func row(_ index: Int) -> (String?, String?, Int64) {
        let shapes: [String?] = ["", "a", "é", String(repeating: "long-\(index)-", count: 20), "🧾 €\(index)", nil, "x\(index)"]
        return (shapes[index % shapes.count], shapes[(index * 3 + 1) % shapes.count], Int64(index) * 1_000_003)
    }

    func inserted(count: Int, rows: (Int) -> (String?, String?, Int64)) throws -> [Row] {
        let queue = try DatabaseQueue()
        return try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, n INTEGER)")
            let changed = try BulkInsert(db, "INSERT INTO t (a, b, n) VALUES", columns: 3).run(count: count) { index in
                let (a, b, n) = rows(index)
                return [.text(a), .text(b), .integer(n)]
            }
            #expect(changed == count)
            return try Row.fetchAll(db, sql: "SELECT a, b, n FROM t ORDER BY id")
        }
    }

    /// Two full statements and a partial one.
    @Test func everyValueLandsWholeInItsColumn() throws {
        let count = 2 * BulkInsert.rowsPerStatement + 5
        let rows = try inserted(count: count, rows: Self.row)
        #expect(rows.count == count)
        for (index, row) in rows.enumerated() {
            let (a, b, n) = Self.row(index)
            #expect(row[0] as String? == a, "row \(index), column a")
            #expect(row[1] as String? == b, "row \(index), column b")
            #expect(row[2] as Int64 == n, "row \(index), column n")
        }
    }

    /// A statement whose texts are all empty has an empty buffer: empty
    /// strings must still be stored as empty strings, not NULL.
    @Test func emptyStringsStayEmptyNotNull() throws {
        let rows = try inserted(count: 3) { index in ("", index == 1 ? nil : "", Int64(index)) }
        #expect(rows.map { $0[0] as String? } == ["", "", ""])
        #expect(rows.map { $0[1] as String? } == ["", nil, ""])
    }
}
