import Foundation
import Testing
import Yams

/// The GitHub Actions examples in Examples/ci are valid YAML, have the
/// shape GitHub expects, and run seatctl the way this seatctl works.
@Suite struct CIExampleTests {
    static let files = ["plan-comment.yml", "apply-on-merge.yml", "nightly-drift.yml"]

    func load(_ name: String) throws -> (text: String, root: Node.Mapping) {
        let text = try String(contentsOf: SeatctlRunner.example("ci/" + name), encoding: .utf8)
        let node = try #require(try Yams.compose(yaml: text), "\(name) is empty")
        return (text, try #require(node.mapping, "\(name) is not a mapping"))
    }

    func keys(_ mapping: Node.Mapping) -> [String] { mapping.keys.compactMap(\.string) }

    @Test(arguments: files) func isAWorkflow(_ name: String) throws {
        let (_, root) = try load(name)
        #expect(Set(keys(root)).isSuperset(of: ["name", "on", "jobs", "permissions"]), "\(keys(root))")
        let jobs = try #require(root["jobs"]?.mapping)
        #expect(!jobs.isEmpty)
        for (_, job) in jobs {
            let job = try #require(job.mapping)
            #expect(job["runs-on"] != nil)
            let steps = try #require(job["steps"]?.sequence)
            #expect(steps.allSatisfy { $0.mapping?["run"] != nil || $0.mapping?["uses"] != nil })
        }
    }

    @Test func theyUseTheCommandsAsTheyWork() throws {
        #expect(try load("plan-comment.yml").text.contains("seatctl plan seats.yaml --format markdown --detailed-exitcode --out seats.seatplan"))
        #expect(try load("apply-on-merge.yml").text.contains("seatctl apply seats.seatplan"))
        let drift = try load("nightly-drift.yml")
        #expect(drift.text.contains("seatctl drift seats.yaml --format markdown"))
        #expect(drift.text.contains("\"$code\" -eq 1"))
        #expect(drift.text.contains("steps.drift.outputs.exitcode == '2'"))
        let on = try #require(drift.root["on"]?.mapping)
        #expect(on["schedule"]?.sequence?.first?.mapping?["cron"]?.string == "17 5 * * *")
    }
}
