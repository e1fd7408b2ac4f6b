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
        if isSorted(by: areInIncreasingOrder) { return Array<Int>(indices) }
        // `sorted(by:)` is stable: positions with equal elements keep their order.
        return indices.sorted { areInIncreasingOrder(self[$0], self[$1]) }
    }

    private func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        indices.dropFirst().allSatisfy { !areInIncreasingOrder(self[$0], self[$0 - 1]) }
    }
}
