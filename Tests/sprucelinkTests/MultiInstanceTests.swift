import Foundation
import Testing

/// Two `sprucelink serve` processes on one PostgreSQL server behind nginx (issue 7): the journey across
/// instances, 100 concurrent connects, simultaneous start, and the database going away and coming back.
/// The script starts its own PostgreSQL cluster, because it stops it on purpose.
@Suite("Several instances on PostgreSQL behind nginx")
struct MultiInstanceTests {
    @Test("signup across instances, 100 concurrent connects, migrations once, database outage and recovery")
    func multiInstance() async throws {
        let script = QRCLI.packageRoot.appendingPathComponent("scripts/multi_instance_test.py").path
        let result = try await QRCLI.run(
            "/usr/bin/env", ["python3", script, try QRCLI.binary()], in: QRCLI.packageRoot)
        #expect(result.status == 0, "\(result.stdoutText)\n\(result.stderr)")
        #expect(result.stdoutText.contains("all multi-instance checks passed"))
    }
}
