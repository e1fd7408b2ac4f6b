extension LedgerSchema {
    /// Migration "v2": billing. Plain SQL, mirrored by any other store.
    ///
    /// - `account_billing`: one row per account: the billing anchor (the day
    ///   the account was created, in its time zone), the currency, the credit
    ///   balance, the date of the latest recurring invoice and the recorded
    ///   storage usage.
    /// - `license_billing`: per license, the first day not paid for, what
    ///   that billed time cost (the most a removal credits back), and the
    ///   invoice state of its current period (`invoiced`, `paid`).
    /// - `adjustments`: prorated charges (purchases, charged when made) and
    ///   credits (removals, added to the balance); `invoice` is NULL until an
    ///   invoice lists them.
    /// - `invoices` and `invoice_lines`: issued invoices; amounts in minor units.
    /// - `payments`: a payment against an invoice with the payment method's
    ///   opaque reference only; never card data.
    /// - `invoice_deliveries`: each time an invoice was sent, for which license.
    static let billingTables = """
        CREATE TABLE account_billing (
            account TEXT PRIMARY KEY REFERENCES accounts(id),
            anchor TEXT NOT NULL,
            currency TEXT NOT NULL,
            credit_balance_minor INTEGER NOT NULL DEFAULT 0 CHECK (credit_balance_minor >= 0),
            last_invoice_date TEXT,
            usage_gb INTEGER CHECK (usage_gb >= 0),
            usage_recorded_at INTEGER
        );
        CREATE TABLE license_billing (
            code TEXT PRIMARY KEY REFERENCES licenses(code),
            account TEXT NOT NULL REFERENCES accounts(id),
            billed_until TEXT NOT NULL,
            paid_minor INTEGER NOT NULL,
            invoice_state TEXT CHECK (invoice_state IN ('invoiced', 'paid')),
            invoice TEXT
        );
        CREATE INDEX license_billing_by_account ON license_billing(account);
        CREATE INDEX license_billing_by_invoice ON license_billing(invoice);
        CREATE TABLE adjustments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL REFERENCES accounts(id),
            kind TEXT NOT NULL CHECK (kind IN ('charge', 'credit')),
            plan TEXT NOT NULL,
            count INTEGER NOT NULL,
            span_start TEXT NOT NULL,
            span_end TEXT NOT NULL,
            period_days INTEGER NOT NULL,
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            at INTEGER NOT NULL,
            invoice TEXT
        );
        CREATE INDEX adjustments_by_account_invoice ON adjustments(account, invoice);
        CREATE TABLE invoices (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL REFERENCES accounts(id),
            date TEXT NOT NULL,
            currency TEXT NOT NULL,
            subtotal_minor INTEGER NOT NULL,
            credit_applied_minor INTEGER NOT NULL,
            total_minor INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
            issued_at INTEGER NOT NULL,
            sent_at INTEGER,
            UNIQUE (account, date)
        );
        CREATE TABLE invoice_lines (
            invoice TEXT NOT NULL REFERENCES invoices(id),
            position INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('recurring', 'charge', 'credit')),
            plan TEXT NOT NULL,
            count INTEGER NOT NULL,
            span_start TEXT NOT NULL,
            span_end TEXT NOT NULL,
            period_days INTEGER NOT NULL,
            amount_minor INTEGER NOT NULL,
            PRIMARY KEY (invoice, position)
        );
        CREATE TABLE payments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            invoice TEXT NOT NULL REFERENCES invoices(id),
            account TEXT NOT NULL REFERENCES accounts(id),
            amount_minor INTEGER NOT NULL,
            currency TEXT NOT NULL,
            method_reference TEXT NOT NULL,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL
        );
        CREATE INDEX payments_by_invoice ON payments(invoice);
        CREATE TABLE invoice_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            invoice TEXT NOT NULL REFERENCES invoices(id),
            license TEXT NOT NULL,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL
        );
        PRAGMA user_version = 2;
        """
}
