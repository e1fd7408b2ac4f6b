import Foundation
import Testing

/// Credentials given to seatctl never come back in its output.
@Suite struct SecretOutputTests {
    static let urls = [
        "postgres://admin:Sw0rdf1sh-QZX@db.internal:5432/seats",
        "postgresql://admin:Sw0rd/f1sh@QZX@db.internal/seats?sslmode=require",
        "postgres://admin:Sw0rd#f1sh?QZX@db.internal/seats",
        "postgres://db.internal/seats?password=Sw0rdf1sh-QZX",
        "mysql://admin:Sw0rdf1sh-QZX@db.internal/seats",
    ]

    @Test(arguments: urls)
    func ledgerPasswordsNeverReachTheTerminal(url: String) throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", "account: acme\nkind: enterprise\n")
        let runs = [
            try seatctl.run(["status", "--state", url]),
            try seatctl.run(["plan", "seats.yaml", "--format", "json", "--state", url]),
            try seatctl.run(["apply", "--auto-approve", "seats.yaml"], environment: ["SEATCTL_STATE": url]),
            try seatctl.run(["history", "--format", "json"], environment: ["SEATCTL_STATE": url]),
        ]
        for result in runs {
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
            for secret in ["Sw0rd", "f1sh", "QZX"] {
                #expect(!(result.stdout + result.stderr).contains(secret), "\(result.stderr)")
            }
        }
    }
}
