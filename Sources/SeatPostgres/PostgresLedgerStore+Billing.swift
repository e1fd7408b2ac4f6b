import Foundation
import PostgresNIO
import SeatCore
import SeatStore

/// Billing records in PostgreSQL (migration "v2"), statement for statement
/// as `SQLiteLedgerStore` keeps them: what snapshots read and applies write.
/// Invoices, payments and deliveries are in `PostgresLedgerStore+Invoices.swift`.
extension PostgresLedgerStore {
    private struct LicenseBillingRow: Codable {
        var code: String, billed_until: String, paid_minor: Int64, invoice_state: String?, invoice: String?
    }

    private struct AdjustmentRow: Codable {
        var ord: Int?, kind: String, plan: String, count: Int, span_start: String, span_end: String, period_days: Int
        var amount_minor: Int64, currency: String, at: Int64
    }

    /// The account's billing records with three queries, or nil (one query)
    /// for an account that has none.
    static func readBilling(account id: String, _ session: PostgresSession) throws -> AccountBilling? {
        guard let row = try session.execute("""
            SELECT anchor, currency, credit_balance_minor, last_invoice_date, usage_gb, usage_recorded_at
            FROM account_billing WHERE account = \(id)
            """).rows.first else { return nil }
        let (anchor, currency, credit, lastInvoice, usage, usageAt)
            = try row.decode((String, String, Int64, String?, Int64?, Int64?).self)
        var billing = AccountBilling(
            anchor: try day(anchor), currency: currency, creditBalance: Money(minorUnits: credit, currency: currency),
            lastInvoiceDate: try lastInvoice.map(day), usageGB: usage.map(Int.init), usageRecordedAt: usageAt.map(date))
        // In the order of the snapshot's licenses (see `LicenseRecords`).
        for row in try session.jsonRows(LicenseBillingRow.self, """
            SELECT coalesce(json_agg(json_build_object('code', b.code, 'billed_until', b.billed_until, 'paid_minor', b.paid_minor,
                'invoice_state', b.invoice_state, 'invoice', b.invoice)
                ORDER BY l.created_at, l.seq, l.code COLLATE "C", b.code COLLATE "C"), '[]')::text
            FROM license_billing b LEFT JOIN licenses l ON l.code = b.code WHERE b.account = \(id)
            """) {
            billing.licenses.append(row.code, LicenseBilling(
                billedUntil: try day(row.billed_until), paid: Money(minorUnits: row.paid_minor, currency: currency),
                invoiceState: row.invoice_state.flatMap(InvoiceState.init(rawValue:)), invoice: row.invoice))
        }
        billing.pendingAdjustments = try session.jsonRows(AdjustmentRow.self, """
            SELECT coalesce(json_agg(json_build_object('kind', kind, 'plan', plan, 'count', count, 'span_start', span_start,
                'span_end', span_end, 'period_days', period_days, 'amount_minor', amount_minor, 'currency', currency, 'at', at)
                ORDER BY id), '[]')::text
            FROM adjustments WHERE account = \(id) AND invoice IS NULL
            """).map { row in
            Adjustment(kind: try decode(Adjustment.Kind.self, row.kind, "adjustment kind"), plan: row.plan, count: row.count,
                       span: BillingSpan(start: try day(row.span_start), end: try day(row.span_end)), periodDays: row.period_days,
                       amount: Money(minorUnits: row.amount_minor, currency: row.currency), at: date(row.at))
        }
        return billing
    }

    /// Persists an apply's billing writes inside its transaction.
    /// `licenses`: the license rows the apply writes, in the order written.
    static func persistBilling(_ writes: BillingWrites, licenses: [License], account id: String, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO account_billing (account, anchor, currency, credit_balance_minor)
            VALUES (\(id), \(writes.anchor.description), \(writes.currency), \(writes.creditBalance.minorUnits))
            ON CONFLICT (account) DO UPDATE SET credit_balance_minor = excluded.credit_balance_minor
            """)
        try upsertLicenseBilling(writes.records(inOrderOf: licenses), account: id, session)
        try insertAdjustments(writes.adjustments, account: id, session)
    }

    /// Writes a copied account's billing records as they were; its
    /// adjustments come with the billing documents (ids included).
    static func writeBilling(_ billing: AccountBilling, account id: String, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO account_billing (account, anchor, currency, credit_balance_minor, last_invoice_date, usage_gb,
                                         usage_recorded_at)
            VALUES (\(id), \(billing.anchor.description), \(billing.currency), \(billing.creditBalance.minorUnits),
                    \(billing.lastInvoiceDate?.description), \(billing.usageGB.map(Int64.init)),
                    \(billing.usageRecordedAt.map(milliseconds)))
            """)
        try upsertLicenseBilling(billing.licenses, account: id, session)
    }

    /// Inserts or updates `records`, new ones in their order.
    static func upsertLicenseBilling(_ records: LicenseRecords, account id: String, _ session: PostgresSession) throws {
        guard !records.isEmpty else { return }
        let rows = records.map { code, record in
            LicenseBillingRow(code: code, billed_until: record.billedUntil.description, paid_minor: record.paid.minorUnits,
                              invoice_state: record.invoiceState?.rawValue, invoice: record.invoice)
        }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        let changed = try session.changes("""
            INSERT INTO license_billing (code, account, billed_until, paid_minor, invoice_state, invoice)
            SELECT r.code, \(id), r.billed_until, r.paid_minor, r.invoice_state, r.invoice
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(code text, billed_until text, paid_minor bigint, invoice_state text, invoice text)
            ON CONFLICT (code) DO UPDATE SET billed_until = excluded.billed_until, paid_minor = excluded.paid_minor,
                invoice_state = excluded.invoice_state, invoice = excluded.invoice
            WHERE license_billing.account = excluded.account
            """)
        if changed != rows.count {
            throw LedgerError.database("a license's billing record in this change set belongs to another account")
        }
    }

    private static func insertAdjustments(_ adjustments: [Adjustment], account id: String, _ session: PostgresSession) throws {
        guard !adjustments.isEmpty else { return }
        let rows = adjustments.enumerated().map { index, adjustment in
            AdjustmentRow(ord: index, kind: adjustment.kind.rawValue, plan: adjustment.plan, count: adjustment.count,
                          span_start: adjustment.span.start.description, span_end: adjustment.span.end.description,
                          period_days: adjustment.periodDays, amount_minor: adjustment.amount.minorUnits,
                          currency: adjustment.amount.currency, at: milliseconds(adjustment.at))
        }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try session.execute("""
            INSERT INTO adjustments (account, kind, plan, count, span_start, span_end, period_days, amount_minor, currency, at)
            SELECT \(id), r.kind, r.plan, r.count, r.span_start, r.span_end, r.period_days, r.amount_minor, r.currency, r.at
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(ord int, kind text, plan text, count int, span_start text, span_end text,
                period_days int, amount_minor bigint, currency text, at bigint)
            ORDER BY r.ord
            """)
    }
}
