extension Array {
    /// The elements sorted by `areInIncreasingOrder`: the array itself when
    /// it is sorted already.
    consuming func sortedIfNeeded(by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
        if isSorted(by: areInIncreasingOrder) { return self }
        sort(by: areInIncreasingOrder)
        return self
    }

    /// The positions of the elements in the order a stable sort by
    /// `areInIncreasingOrder` puts them (`0..<count` when they are in order
    /// already). Sorting positions rather than elements moves a word at each
    /// step of the sort: a large element (a change with its strings) is not
    /// copied, and its references counted, at every merge of a million.
    func stableSortOrder(by areInIncreasingOrder: (Element, Element) -> Bool) -> [Int] {
        reordering(count: count) { areInIncreasingOrder(self[$0], self[$1]) } ?? Array<Int>(indices)
    }

    private func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        indices.dropFirst().allSatisfy { !areInIncreasingOrder(self[$0], self[$0 - 1]) }
    }
}

/// The positions `0..<count` in the order a stable sort by `precedes` (which
/// compares two positions) puts them; nil when they are in that order
/// already, which is checked in one pass first. For sorting by a key read
/// where the elements are, rather than passing whole elements (and counting
/// their strings' references) to each comparison.
public func reordering(count: Int, by precedes: (Int, Int) -> Bool) -> [Int]? {
    guard !(0..<count).dropFirst().allSatisfy({ !precedes($0, $0 - 1) }) else { return nil }
    // `sorted(by:)` is stable: positions that compare equal keep their order.
    return (0..<count).sorted(by: precedes)
}
