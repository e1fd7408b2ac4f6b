import Testing
@testable import SeatConfig

/// `ConfigLoader.peekAccount` lets a command read the ledger while the file
/// loads. It may give up (nil), but must never name an account other than
/// the one the loaded file names.
struct AccountPeekTests {
    static func peek(_ text: String) -> String? {
        ConfigLoader.peekAccount(Array(text.utf8))
    }

    @Test func findsTheAccountWhereverTheRootMappingHasIt() {
        #expect(Self.peek("account: acme\nkind: enterprise\n") == "acme")
        #expect(Self.peek("# a comment\n---\naccount: 'acme'\nkind: enterprise\n") == "acme")
        #expect(Self.peek("{kind: enterprise, account: \"bench-1\"}") == "bench-1")
        // Keys before it are skipped whatever their shape.
        let late = """
            kind: enterprise
            plans:
              p: {licenses: auto}
            users:
              a@x.example: {plans: [p]}
              b@x.example:
                plans:
                - p
            guards: {maxUnassignments: 3}
            account: late
            """
        #expect(Self.peek(late) == "late")
    }

    @Test func givesUpRatherThanGuess() {
        #expect(Self.peek("") == nil)
        #expect(Self.peek("kind: enterprise\n") == nil)
        #expect(Self.peek("- account: acme\n") == nil)
        #expect(Self.peek("account: [acme]\n") == nil)
        #expect(Self.peek("account: ''\n") == nil)
        #expect(Self.peek("account: &a acme\n") == nil)
        #expect(Self.peek("x: &a 1\ny: *a\naccount: acme\n") == nil)
        #expect(Self.peek("? [complex]\n: 1\naccount: acme\n") == nil)
        #expect(Self.peek("kind: [unclosed\naccount: acme\n") == nil)
    }

    /// Over the fast-path comparison's random files (valid ones and broken
    /// ones alike): whenever a file loads, the peek named its account or
    /// nothing, and it named it for most valid files.
    @Test func neverNamesAnotherAccountThanTheLoadedFile() {
        var generator = RandomDesiredFile(seed: 0xACC0_0E7)
        var named = 0, loaded = 0
        for _ in 0..<1_000 {
            let (text, limits) = generator.next()
            let bytes = Array(text.utf8)
            let peeked = ConfigLoader.peekAccount(bytes, limits: limits)
            guard let state = ConfigLoader.loadDesiredState(bytes, file: "random.yaml", limits: limits).state else { continue }
            loaded += 1
            #expect(peeked == nil || peeked == state.account.value, "\(text)")
            if peeked == state.account.value { named += 1 }
        }
        #expect(loaded >= 300)
        #expect(named * 10 >= loaded * 9)
    }
}
