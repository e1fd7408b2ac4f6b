import SeatCore

/// Invoices as documents: a plain-text page a person can read, and JSON.
enum InvoiceView {
    /// `--format json` form of an invoice; `versioned` when it is the whole document.
    static func json(_ invoice: Invoice, versioned: Bool = false) -> JSONValue {
        .object((versioned ? [("format_version", .string(JSONPlanView.formatVersion))] : []) + [
            ("id", .string(invoice.id)),
            ("account", .string(invoice.account)),
            ("date", .string(invoice.date.description)),
            ("status", .string(invoice.status.rawValue)),
            ("lines", .array(invoice.lines.map { line in
                .object([("kind", .string(line.kind.rawValue)), ("plan", .string(line.plan)), ("count", .int(line.count)),
                         ("from", .string(line.span.start.description)), ("to", .string(line.span.end.adding(days: -1).description)),
                         ("days", .int(line.span.days)), ("period_days", .int(line.periodDays)),
                         ("amount", BillingView.json(line.amount))])
            })),
            ("subtotal", BillingView.json(invoice.subtotal)),
            ("credit_applied", BillingView.json(invoice.creditApplied)),
            ("total", BillingView.json(invoice.total)),
            ("sent", .bool(invoice.sentAt != nil)),
            ("payment_reference", .optional(invoice.paymentReference.map(PaymentReference.masked))),
        ])
    }

    /// The invoice as a page: heading, recurring lines, the adjustments
    /// since the previous invoice, credit applied and total.
    static func document(_ invoice: Invoice, title: String, account: LedgerAccount?, recipients: [String] = []) -> String {
        var out = "\(title) \(invoice.id)\n"
        out += String(repeating: "=", count: title.count + 1 + invoice.id.count) + "\n"
        out += "Account:  \(invoice.account)" + (account?.name.map { " (\($0))" } ?? "") + "\n"
        out += "Date:     \(invoice.date)\n"
        out += "Status:   \(invoice.status.rawValue)" + (invoice.paymentReference.map { ", paid with payment method \(PaymentReference.masked($0))" } ?? "") + "\n"
        for recipient in recipients { out += "For:      \(recipient)\n" }
        out += "\n"
        let recurring = invoice.lines.filter { $0.kind == .recurring }
        let adjustments = invoice.lines.filter { $0.kind != .recurring }
        var rows = recurring.map { [$0.detail, $0.amount.formatted] }
        if recurring.isEmpty { rows.append(["(no license renews on this date)", Money.zero(invoice.currency).formatted]) }
        rows.append(["Subtotal", invoice.subtotal.formatted])
        rows.append(["Credit applied", (invoice.creditApplied.minorUnits > 0 ? "-" : "") + invoice.creditApplied.formatted])
        rows.append(["Total due", invoice.total.formatted])
        out += Table.render(header: ["Description", "Amount"], rows: rows, indent: "  ")
        if !adjustments.isEmpty {
            out += "\nAdjustments since the previous invoice:\n"
            out += Table.render(header: ["Description", "Amount"], rows: adjustments.map { line in
                [(line.kind == .charge ? "charged when bought: " : "credited to the balance: ") + line.detail,
                 (line.kind == .charge ? "" : "-") + line.amount.formatted]
            }, indent: "  ")
        }
        return sanitizedForDisplay(out)
    }
}
