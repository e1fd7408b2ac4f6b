import Testing
import SeatCore

@Test func lowercasedIfNeededAgreesWithLowercased() {
    for text in ["alice@acme.com", "Alice@Acme.com", "ÉLODIE@exemple.fr", "", "ß@x.de", "İ@x.com", "a-b_c.1@x.io", "ZOE@ACME.COM"] {
        #expect(text.lowercasedIfNeeded() == text.lowercased())
    }
}
