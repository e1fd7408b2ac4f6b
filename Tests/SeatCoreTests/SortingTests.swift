import SeatTestSupport
import Testing
@testable import SeatCore

/// `stableSortOrder` gives the positions a stable sort puts the elements
/// in, and `sortedIfNeeded` the sorted elements, whether or not the input
/// was in order already.
struct SortingTests {
    @Test(arguments: 0..<20)
    func positionsAreAStableSortsOrder(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        let count = seed < 3 ? seed : Int.random(in: 2...300, using: &random)
        // Few distinct keys, so that equal keys are common; the tag tells equal keys apart.
        var items = (0..<count).map { tag in (key: Int.random(in: 0..<7, using: &random), tag: tag) }
        if seed % 4 == 1 { items.sort { $0.key < $1.key } }
        let order = items.stableSortOrder { $0.key < $1.key }
        let expected = items.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.offset)
        #expect(order == expected)
        let sorted = items.sortedIfNeeded { $0.key < $1.key }
        #expect(sorted.map(\.key) == expected.map { items[$0].key })
    }
}
