import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API: binds and reads
/// values without boxing each one in a `DatabaseValue`. For the paths that
/// touch every row of a large account (an apply's inserts, a snapshot's
/// reads), where GRDB's per-value conveniences cost more than SQLite does.
///
/// It wraps a statement GRDB prepared (and caches), inside a transaction
/// GRDB opened; failures become GRDB `DatabaseError`s, which the store
/// translates like any other.
struct BulkStatement {
    private let handle: SQLiteStatement
    private let sql: String

    init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sql = statement.sql
    }

    // MARK: Writing

    /// Binds `values` to the parameters from `first` (1-based) on.
    func bind(_ values: [BulkValue], from first: Int32) throws {
        for (offset, value) in values.enumerated() {
            try check(value.bind(to: handle, at: first + Int32(offset)))
        }
    }

    /// Runs the bound statement to its end and resets it; returns the
    /// number of rows it changed.
    func run() throws -> Int {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        guard code == SQLITE_DONE else { throw failure(code) }
        return Int(sqlite3_changes(sqlite3_db_handle(handle)))
    }

    /// Binds `values` to the parameters from 1 on, reading their text from
    /// `text`, which holds the UTF-8 of every text value in order, and
    /// which must stay where it is until the statement has run.
    func bind(_ values: [BulkValue], text: UnsafeBufferPointer<UInt8>) throws {
        var offset = 0
        for (index, value) in values.enumerated() {
            let parameter = Int32(index + 1)
            if case .text(let string) = value {
                let count = string.utf8.count
                // No destructor (SQLITE_STATIC): SQLite reads the text where
                // it is, until the statement is reset or bound again.
                let start = text.baseAddress.map { UnsafeRawPointer($0 + offset) } ?? UnsafeRawPointer(Self.emptyText.utf8Start)
                try check(sqlite3_bind_text(handle, parameter, start.assumingMemoryBound(to: CChar.self), Int32(count), nil))
                offset += count
            } else {
                try check(value.bind(to: handle, at: parameter))
            }
        }
        precondition(offset == text.count, "the bound text does not match its buffer")
    }

    /// A valid pointer for the empty string: NULL would bind NULL.
    private static let emptyText: StaticString = ""

    // MARK: Reading

    /// Binds `values`, then calls `row` for every result row, and resets.
    func forEachRow(_ values: BulkValue..., row: (BulkRow) throws -> Void) throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try bind(values, from: 1)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            try row(BulkRow(handle: handle))
        }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw failure(code) }
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let connection = sqlite3_db_handle(handle)
        let message = sqlite3_errmsg(connection).map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)), message: message, sql: sql)
    }
}

/// Inserts many rows with few statements: `INSERT … VALUES (…), (…), …`
/// with up to `rowsPerStatement` rows each, which SQLite runs about twice
/// as fast as one statement per row.
struct BulkInsert {
    static let rowsPerStatement = 64

    private let db: Database
    private let head: String
    private let tail: String
    private let columns: Int

    /// `head` is `INSERT INTO table (columns…) VALUES`; `tail` follows the
    /// rows (e.g. an `ON CONFLICT` clause); `columns` values per row.
    init(_ db: Database, _ head: String, columns: Int, tail: String = "") {
        self.db = db
        self.head = head
        self.tail = tail
        self.columns = columns
    }

    /// Inserts `count` rows, row `i` with the values `row(i)`; calls
    /// `afterFirstStatement` once the first statement ran. Returns the
    /// number of rows changed.
    ///
    /// A statement's text values are copied into one buffer and bound from
    /// it without SQLite copying them again: a first apply of a large
    /// account binds millions of strings, and a copy each (SQLite's
    /// "transient" binding) costs an allocation each.
    @discardableResult
    func run(count: Int, afterFirstStatement: () -> Void = {}, row: (Int) -> [BulkValue]) throws -> Int {
        var changed = 0
        var start = 0
        let full = count >= Self.rowsPerStatement ? try statement(rows: Self.rowsPerStatement) : nil
        var values: [BulkValue] = []
        values.reserveCapacity(min(count, Self.rowsPerStatement) * columns)
        var text: [UInt8] = []
        while start < count {
            let rows = min(Self.rowsPerStatement, count - start)
            let statement = try full.flatMap { rows == Self.rowsPerStatement ? $0 : nil } ?? self.statement(rows: rows)
            values.removeAll(keepingCapacity: true)
            text.removeAll(keepingCapacity: true)
            for index in 0..<rows {
                let row = row(start + index)
                precondition(row.count == columns, "a bulk insert row has \(row.count) values, not \(columns)")
                for value in row {
                    if case .text(var string) = value { string.withUTF8 { text.append(contentsOf: $0) } }
                }
                values.append(contentsOf: row)
            }
            changed += try text.withUnsafeBufferPointer { buffer in
                try statement.bind(values, text: buffer)
                return try statement.run()
            }
            if start == 0 { afterFirstStatement() }
            start += rows
        }
        return changed
    }

    private func statement(rows: Int) throws -> BulkStatement {
        let placeholders = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        let sql = head + " " + Array(repeating: placeholders, count: rows).joined(separator: ", ") + (tail.isEmpty ? "" : " " + tail)
        return BulkStatement(try db.cachedStatement(sql: sql))
    }
}

/// A value to bind: text, an integer or NULL.
enum BulkValue {
    case text(String)
    case integer(Int64)
    case null

    static func text(_ value: String?) -> BulkValue { value.map(BulkValue.text) ?? .null }
    static func integer(_ value: Int) -> BulkValue { .integer(Int64(value)) }
    static func integer(_ value: Int64?) -> BulkValue { value.map(BulkValue.integer) ?? .null }
    static func bool(_ value: Bool) -> BulkValue { .integer(value ? 1 : 0) }

    /// SQLite copies text bound as transient, so the string may go away.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(to handle: SQLiteStatement, at index: Int32) -> Int32 {
        switch self {
        case .integer(let value):
            return sqlite3_bind_int64(handle, index, value)
        case .null:
            return sqlite3_bind_null(handle, index)
        case .text(var value):
            return value.withUTF8 { bytes in
                // An empty string needs a valid pointer too: NULL would bind NULL.
                guard let start = bytes.baseAddress, !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, Self.transient) }
                return sqlite3_bind_text(handle, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self),
                                         Int32(bytes.count), Self.transient)
            }
        }
    }
}

/// The current row of a ``BulkStatement``; valid only inside its callback.
struct BulkRow {
    fileprivate let handle: SQLiteStatement

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func integer(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func optionalInteger(_ column: Int32) -> Int64? {
        isNull(column) ? nil : integer(column)
    }

    /// The column's text (an empty string for NULL).
    func text(_ column: Int32) -> String {
        String(decoding: utf8(column), as: UTF8.self)
    }

    /// The column's text as UTF-8 (empty for NULL), valid until the row
    /// moves on: for a value looked up or decoded without a `String` made.
    func utf8(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let bytes = sqlite3_column_text(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }

    func optionalText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }
}
