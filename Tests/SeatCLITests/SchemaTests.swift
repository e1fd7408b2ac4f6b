import Foundation
import SeatConfig
import Testing

/// `seatctl schema`, checked by an independent validator: Python's
/// `jsonschema` (Draft 2020-12) over files read by PyYAML. `.ci/run`
/// installs both; under CI (`CI=true`) a missing validator fails the test.
@Suite struct SchemaTests {
    /// Invalid fixtures the schema rejects.
    static let rejected: Set<String> = [
        "bad-account-and-kind.yaml", "bad-emails.yaml", "bad-role.yaml", "empty.yaml", "escape-in-value.yaml",
        "fractional-count.yaml", "huge-count.yaml", "missing-account.yaml", "multiple-problems.yaml", "negative-count.yaml",
        "only-comment.yaml", "plan-not-mapping.yaml", "quoted-count.yaml", "unknown-top-level-key.yaml",
        "unknown-user-key.yaml", "wrong-type.yaml",
        // Catalog files are not desired-state files.
        "catalog-as-desired.yaml", "catalog-bad-prices.yaml", "catalog-contract-months.yaml", "catalog-float-price.yaml",
        "catalog-missing-keys.yaml", "catalog-unknown-currency.yaml",
    ]

    /// Invalid fixtures that are not YAML a parser accepts: refused before any schema applies.
    static let notYAML: Set<String> = [
        "bad-indentation.yaml", "invalid-utf8.yaml", "non-scalar-key.yaml", "nul-byte.yaml", "syntax-error.yaml",
        "tabs.yaml", "two-documents.yaml", "unclosed-quote.yaml", "undefined-alias.yaml", "value-with-colon.yaml",
    ]

    /// Fixtures only seatctl's loader refuses, and why no JSON Schema can.
    static let beyondSchema: [String: String] = [
        "bad-timezone.yaml": "a time zone name is checked against the system's time zone database",
        "duplicate-email.yaml": "emails compare case-insensitively; a schema compares keys exactly",
        "duplicate-key.yaml": "a YAML parser keeps one of two equal keys before any schema sees the document",
        "merge-key.yaml": "YAML 1.1 parsers apply `<<` merge keys; seatctl refuses them",
        "yes-boolean.yaml": "YAML 1.1 parsers read `yes` as true; seatctl reads YAML 1.2, where it is a string, and refuses it",
        // A desired-state file given to the catalog loader: valid as a desired state.
        "catalog-desired-as-catalog.yaml": "it is a valid desired-state file, refused only as a catalog",
    ]

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static let validatorAvailable: Bool = (try? python(["-c", "import jsonschema, yaml"]).status) == 0

    static func python(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// Checks the schema itself, then prints one JSON line per file:
    /// `valid`, `invalid` (with the first error) or `yaml_error`.
    static let script = """
        import json, sys
        import jsonschema, yaml
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for path in sys.argv[2:]:
            try:
                with open(path, "rb") as f:
                    data = yaml.safe_load(f)
            except Exception as e:
                print(json.dumps({"file": path, "result": "yaml_error", "message": str(e)}))
                continue
            errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
            print(json.dumps({"file": path, "result": "invalid" if errors else "valid",
                              "message": errors[0].message if errors else ""}))
        """

    static var fixtures: URL {
        SeatctlRunner.repository.appendingPathComponent("Tests/SeatConfigTests/Fixtures")
    }

    @Test(.enabled(if: validatorAvailable || isCI, "needs python3 with jsonschema and PyYAML; .ci/run installs them"))
    func independentValidatorAcceptsExamplesAndRejectsInvalidFixtures() throws {
        let seatctl = try SeatctlRunner()
        let schema = try seatctl.run(["schema"])
        #expect(schema.status == 0)
        try seatctl.write("schema.json", schema.stdout)

        // Every file in the invalid fixtures is classified, so a new one must be too.
        let invalid = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.appendingPathComponent("invalid").path)
            .filter { $0.hasSuffix(".yaml") }
        let classified = Self.rejected.union(Self.notYAML).union(Self.beyondSchema.keys)
        #expect(Set(invalid) == classified, "unclassified: \(Set(invalid).subtracting(classified)), missing: \(classified.subtracting(invalid))")

        // An exported file is valid too.
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        #expect(try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", PortalTests.now]).status == 0)
        #expect(try seatctl.run(["export", "--account", "acme", "--out", "exported.yaml", "--now", PortalTests.now]).status == 0)

        let valid = [SeatctlRunner.example("acme/seats.yaml").path, SeatctlRunner.example("solo/seats.yaml").path,
                     Self.fixtures.appendingPathComponent("valid/seats.yaml").path,
                     seatctl.directory.appendingPathComponent("exported.yaml").path]
        let invalidPaths = invalid.sorted().map { Self.fixtures.appendingPathComponent("invalid/\($0)").path }
        let result = try Self.python(["-c", Self.script, seatctl.directory.appendingPathComponent("schema.json").path] + valid + invalidPaths)
        #expect(result.status == 0, "the validator failed: \(result.stderr)")

        var outcomes: [String: (result: String, message: String)] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            outcomes[object["file"] ?? ""] = (object["result"] ?? "", object["message"] ?? "")
        }
        #expect(outcomes.count == valid.count + invalidPaths.count)
        for path in valid {
            #expect(outcomes[path]?.result == "valid", "\(path): \(outcomes[path].map { $0.message } ?? "no result")")
        }
        for path in invalidPaths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let expected = Self.rejected.contains(name) ? "invalid" : Self.notYAML.contains(name) ? "yaml_error" : "valid"
            #expect(outcomes[path]?.result == expected, "\(name): \(outcomes[path].map { "\($0.result) \($0.message)" } ?? "no result")")
        }
    }

    @Test func schemaDescribesEveryKeyTheLoaderReads() throws {
        let seatctl = try SeatctlRunner()
        let output = try seatctl.run(["schema"])
        #expect(output.status == 0)
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        func keys(_ object: Any?) -> Set<String> { Set(((object as? [String: Any])?["properties"] as? [String: Any])?.keys ?? [:].keys) }
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(keys(schema) == Set(DesiredStateFormat.topLevelKeys))
        let plan = (properties["plans"] as? [String: Any])?["additionalProperties"]
        #expect(keys(plan) == Set(DesiredStateFormat.planKeys))
        let userBranches = ((properties["users"] as? [String: Any])?["additionalProperties"] as? [String: Any])?["anyOf"] as? [Any]
        #expect(keys(userBranches?.last) == Set(DesiredStateFormat.userKeys))
        let guardBranches = (properties["guards"] as? [String: Any])?["anyOf"] as? [Any]
        #expect(keys(guardBranches?.last) == Set(DesiredStateFormat.guardKeys))
        // Deterministic: the same bytes every time.
        #expect(try seatctl.run(["schema"]).stdout == output.stdout)
    }
}
