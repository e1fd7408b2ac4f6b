import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// `account(ofLicense:)`, part of the store contract: run against every store.
@Suite("LedgerStore license lookup")
struct LedgerStoreLookupTests {
    @Test(arguments: StoreKind.allCases)
    func findsTheAccountOfAnyLicenseCode(kind: StoreKind) throws {
        try kind.withStore { store in
            #expect(try store.account(ofLicense: "A0000001") == nil)
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("beta", codePrefix: "B") }
            #expect(try store.account(ofLicense: "A0000001") == "acme")
            #expect(try store.account(ofLicense: "A0000004") == "acme")   // removed licenses keep their account
            #expect(try store.account(ofLicense: "B0000002") == "beta")
            #expect(try store.account(ofLicense: "b0000002") == nil)      // codes are exact: upper case only
            #expect(try store.account(ofLicense: "C0000001") == nil)
        }
    }
}
