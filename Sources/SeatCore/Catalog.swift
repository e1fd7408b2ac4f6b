/// The kind of customer organization an account is.
public enum AccountKind: String, Sendable, Codable, CaseIterable, Comparable {
    case enterprise
    case selfEmployed = "self-employed"

    public static func < (lhs: AccountKind, rhs: AccountKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How often a plan bills each license.
public enum BillingPeriod: String, Sendable, Codable, CaseIterable {
    case daily, monthly, yearly
}

/// Whether licenses can be removed at any time or only when the contract renews.
public enum Commitment: String, Sendable, Codable, CaseIterable {
    case flexible, contracted
}

/// One entry of the vendor's catalog.
public struct CatalogPlan: Hashable, Sendable, Codable {
    /// Stable id used in desired-state files, e.g. `full-suite-monthly`.
    public var id: String
    /// Display name.
    public var name: String
    /// Products the plan includes; two plans sharing one trigger `duplicate_product`.
    public var products: [String]
    public var billing: BillingPeriod
    public var commitment: Commitment
    /// Contract term length; set only for contracted plans.
    public var contractMonths: Int?
    /// Price per license per billing period.
    public var price: Money
    /// Storage allowance each license adds to the account.
    public var storagePerLicenseGB: Int
    /// Account kinds the plan is sold to.
    public var offeredTo: [AccountKind]
    public var minLicenses: Int
    public var maxLicenses: Int

    public init(id: String, name: String, products: [String], billing: BillingPeriod, commitment: Commitment,
                contractMonths: Int? = nil, price: Money, storagePerLicenseGB: Int = 0,
                offeredTo: [AccountKind], minLicenses: Int = 0, maxLicenses: Int = 100_000) {
        self.id = id
        self.name = name
        self.products = products
        self.billing = billing
        self.commitment = commitment
        self.contractMonths = contractMonths
        self.price = price
        self.storagePerLicenseGB = storagePerLicenseGB
        self.offeredTo = offeredTo
        self.minLicenses = minLicenses
        self.maxLicenses = maxLicenses
    }

    public func isOffered(to kind: AccountKind) -> Bool { offeredTo.contains(kind) }
}

/// The vendor's list of plans with prices, in one currency.
public struct Catalog: Hashable, Sendable {
    public var currency: String
    /// Sorted by id.
    public private(set) var plans: [CatalogPlan]
    private var index: [String: Int]
    /// True when two different plans include the same product, so that a
    /// user holding both triggers `duplicate_product`.
    public let plansShareProducts: Bool

    public init(currency: String, plans: [CatalogPlan]) {
        self.currency = currency
        self.plans = plans.sorted { $0.id < $1.id }
        self.index = Dictionary(uniqueKeysWithValues: self.plans.enumerated().map { ($1.id, $0) })
        var included: Set<String> = []
        var shared = false
        for plan in self.plans {
            for product in Set(plan.products) where !included.insert(product).inserted { shared = true }
        }
        plansShareProducts = shared
    }

    public subscript(id: String) -> CatalogPlan? {
        index[id].map { plans[$0] }
    }
}
