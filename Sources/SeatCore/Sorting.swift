extension Array {
    /// The elements sorted by `areInIncreasingOrder`: the array itself when
    /// it is sorted already.
    consuming func sortedIfNeeded(by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
        if isSorted(by: areInIncreasingOrder) { return self }
        sort(by: areInIncreasingOrder)
        return self
    }

    private func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        isInOrder(count: count) { areInIncreasingOrder(self[$0], self[$1]) }
    }
}

/// True when no position of `0..<count` comes, by `precedes`, before the one
/// ahead of it: one pass.
private func isInOrder(count: Int, by precedes: (Int, Int) -> Bool) -> Bool {
    (0..<count).dropFirst().allSatisfy { !precedes($0, $0 - 1) }
}

/// The positions `0..<count` in the order a stable sort by `precedes` (which
/// compares two positions) puts them; nil when they are in that order
/// already, which is checked in one pass first. For sorting by a key read
/// where the elements are, rather than passing whole elements (and counting
/// their strings' references) to each comparison.
public func reordering(count: Int, by precedes: (Int, Int) -> Bool) -> [Int]? {
    guard !isInOrder(count: count, by: precedes) else { return nil }
    // `sorted(by:)` is stable: positions that compare equal keep their order.
    return (0..<count).sorted(by: precedes)
}

/// The positions `0..<count` in the order a stable sort by `key`, then by
/// `precedes` (which compares two positions), puts them; for a key that
/// takes a handful of values (a role, a plan). One pass groups the
/// positions by key; a group is sorted only when it is not in order
/// already. A first apply of 1,000,000 users orders 2,000,000 assignments
/// by plan, then user: a sort of them all compared strings, and copied the
/// pairs compared, about 40 million times.
public func groupedOrder<Key: Hashable & Comparable>(count: Int, key: (Int) -> Key, by precedes: (Int, Int) -> Bool) -> [Int] {
    var groups: [Key: [Int]] = [:]
    for position in 0..<count { groups[key(position), default: []].append(position) }
    var order: [Int] = []
    order.reserveCapacity(count)
    for (_, group) in groups.sorted(by: { $0.key < $1.key }) {
        if let within = reordering(count: group.count, by: { precedes(group[$0], group[$1]) }) {
            order.append(contentsOf: within.lazy.map { group[$0] })
        } else {
            order.append(contentsOf: group)
        }
    }
    return order
}
