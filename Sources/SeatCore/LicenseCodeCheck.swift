/// How the apply engine learns which license codes the ledger uses already
/// (codes are unique across every account of a ledger).
///
/// A store answers in batches: the engine draws all the codes an apply
/// needs against its own snapshot, then asks once which of them are taken
/// elsewhere, and draws again only in the rare case that some are. A
/// per-code answer (`init(isFree:)`) is checked at every draw instead.
public struct LicenseCodeCheck {
    /// False for a code known to be taken, checked at every draw.
    public let isFree: (String) throws -> Bool
    /// Which of a batch of freshly drawn codes are taken.
    public let taken: ([String]) throws -> Set<String>

    /// A store's check: `taken` answers for a whole batch of codes at once.
    public init(taken: @escaping ([String]) throws -> Set<String>) {
        self.isFree = { _ in true }
        self.taken = taken
    }

    /// A check that asks about every code as it is drawn.
    public init(isFree: @escaping (String) throws -> Bool) {
        self.isFree = isFree
        self.taken = { _ in [] }
    }

    /// Every code not in the snapshot counts as free: for pricing a plan,
    /// and for preparing an apply whose codes the store checks later.
    public static var unchecked: LicenseCodeCheck { LicenseCodeCheck(isFree: { _ in true }) }

    /// True when `code` is used nowhere in the ledger.
    public func callAsFunction(_ code: String) throws -> Bool {
        try isFree(code) && taken([code]).isEmpty
    }
}
