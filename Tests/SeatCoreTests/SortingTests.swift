import SeatTestSupport
import Testing
@testable import SeatCore

/// `reordering` and `groupedOrder` give the positions a stable sort puts
/// the elements in, and `sortedIfNeeded` the sorted elements, whether or
/// not the input was in order already.
struct SortingTests {
    @Test(arguments: 0..<20)
    func positionsAreAStableSortsOrder(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        let count = seed < 3 ? seed : Int.random(in: 2...300, using: &random)
        // Few distinct keys, so that equal keys are common; the tag tells equal keys apart.
        var items = (0..<count).map { tag in (key: Int.random(in: 0..<7, using: &random), tag: tag) }
        if seed % 4 == 1 { items.sort { $0.key < $1.key } }
        let order = reordering(count: count) { items[$0].key < items[$1].key } ?? Array(items.indices)
        let expected = items.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.offset)
        #expect(order == expected)
        let sorted = items.sortedIfNeeded { $0.key < $1.key }
        #expect(sorted.map(\.key) == expected.map { items[$0].key })
    }

    @Test(arguments: 0..<20)
    func groupedPositionsAreAStableSortsOrderByBothKeys(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        let count = seed < 3 ? seed : Int.random(in: 2...300, using: &random)
        // A first key of few values, a second of some more; the tag tells equal pairs apart.
        var items = (0..<count).map { tag in
            (group: "g\(Int.random(in: 0..<4, using: &random))", key: Int.random(in: 0..<9, using: &random), tag: tag)
        }
        // Some inputs in order within each group already, some wholly in order.
        if seed % 4 == 1 { items.sort { $0.key < $1.key } }
        if seed % 4 == 2 { items.sort { ($0.group, $0.key) < ($1.group, $1.key) } }
        let order = groupedOrder(count: count, key: { items[$0].group }, by: { items[$0].key < items[$1].key })
        let expected = items.enumerated().sorted {
            ($0.element.group, $0.element.key, $0.offset) < ($1.element.group, $1.element.key, $1.offset)
        }.map(\.offset)
        #expect(order == expected)
    }
}
