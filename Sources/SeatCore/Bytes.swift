import Foundation

extension Array where Element == UInt8 {
    /// True when the array holds exactly `bytes`: one `memcmp`. (A generic
    /// `elementsEqual` takes several times longer, which shows where a
    /// million values are compared, as in reading a large ledger.)
    public func hasSameBytes(as bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == bytes.count else { return false }
        return isEmpty || withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, count) == 0 }
    }
}
