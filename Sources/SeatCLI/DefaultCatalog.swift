/// The catalog a ledger uses until `seatctl catalog import` stores one.
/// Kept byte-identical to `Examples/catalog.yaml` (a test checks it), and
/// compiled in so the binary needs no resource files beside it.
enum DefaultCatalog {
    static let file = "<built-in catalog>"
    static let yaml = #"""
# The catalog seatctl uses when a ledger has none: enterprise bundles and
# single-product plans, each monthly and yearly; contracted (12-month term),
# monthly-rolling and daily license types; and the self-employed bundle,
# the only plan that includes invoicing. Prices are per license per period.
currency: USD
plans:
  full-suite-monthly:
    name: Full Project Management Suite (monthly)
    products: [projects, attendance, time, expenses, issues]
    billing: monthly
    commitment: flexible
    price: "45.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  full-suite-yearly:
    name: Full Project Management Suite (yearly)
    products: [projects, attendance, time, expenses, issues]
    billing: yearly
    commitment: flexible
    price: "486.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  full-suite-contracted:
    name: Full Project Management Suite (12-month contract)
    products: [projects, attendance, time, expenses, issues]
    billing: monthly
    commitment: contracted
    contractMonths: 12
    price: "39.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  full-suite-daily:
    name: Full Project Management Suite (daily)
    products: [projects, attendance, time, expenses, issues]
    billing: daily
    commitment: flexible
    price: "2.50"
    storagePerLicenseGB: 0
    offeredTo: [enterprise]
  project-time-monthly:
    name: Project and Time Bundle (monthly)
    products: [projects, attendance, time]
    billing: monthly
    commitment: flexible
    price: "25.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  project-time-yearly:
    name: Project and Time Bundle (yearly)
    products: [projects, attendance, time]
    billing: yearly
    commitment: flexible
    price: "270.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  projects-monthly:
    name: Project Management (monthly)
    products: [projects]
    billing: monthly
    commitment: flexible
    price: "12.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  projects-yearly:
    name: Project Management (yearly)
    products: [projects]
    billing: yearly
    commitment: flexible
    price: "129.60"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  attendance-monthly:
    name: Attendance Tracking (monthly)
    products: [attendance]
    billing: monthly
    commitment: flexible
    price: "6.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  attendance-yearly:
    name: Attendance Tracking (yearly)
    products: [attendance]
    billing: yearly
    commitment: flexible
    price: "64.80"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  time-monthly:
    name: Project Time Tracking (monthly)
    products: [time]
    billing: monthly
    commitment: flexible
    price: "8.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  time-yearly:
    name: Project Time Tracking (yearly)
    products: [time]
    billing: yearly
    commitment: flexible
    price: "86.40"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  expenses-monthly:
    name: Expense Tracking (monthly)
    products: [expenses]
    billing: monthly
    commitment: flexible
    price: "7.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  expenses-yearly:
    name: Expense Tracking (yearly)
    products: [expenses]
    billing: yearly
    commitment: flexible
    price: "75.60"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  issues-monthly:
    name: Issue Tracking (monthly)
    products: [issues]
    billing: monthly
    commitment: flexible
    price: "9.00"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  issues-yearly:
    name: Issue Tracking (yearly)
    products: [issues]
    billing: yearly
    commitment: flexible
    price: "97.20"
    storagePerLicenseGB: 20
    offeredTo: [enterprise]
  self-employed-monthly:
    name: Self-Employed Bundle with Invoicing (monthly)
    products: [projects, attendance, time, expenses, issues, invoicing]
    billing: monthly
    commitment: flexible
    price: "29.00"
    storagePerLicenseGB: 20
    offeredTo: [self-employed]
    licenses: {min: 0, max: 1}
  self-employed-yearly:
    name: Self-Employed Bundle with Invoicing (yearly)
    products: [projects, attendance, time, expenses, issues, invoicing]
    billing: yearly
    commitment: flexible
    price: "313.20"
    storagePerLicenseGB: 20
    offeredTo: [self-employed]
    licenses: {min: 0, max: 1}
"""#
}
