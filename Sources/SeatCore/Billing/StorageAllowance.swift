/// The storage an account may use: the sum over its owned (active or
/// paused) licenses of their plan's `storagePerLicenseGB`.
public enum StorageAllowance {
    public static func gigabytes<S: Sequence>(of licenses: S, catalog: Catalog, on today: Day) -> Int where S.Element == License {
        var total = 0
        for license in licenses {
            switch license.effectiveStatus(on: today) {
            case .active, .paused: total += catalog[license.plan]?.storagePerLicenseGB ?? 0
            case .expired, .removed: break
            }
        }
        return total
    }
}
