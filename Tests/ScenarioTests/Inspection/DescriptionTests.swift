import Foundation
import Scenario
import Testing
import V2XCore

@Suite struct DescriptionTests {
    func fixture(_ path: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/\(path)", withExtension: nil))
    }

    @Test func describesAPCDFileWithItsNonFiniteRows() throws {
        let d = try PointCloudDescription(pcdAt: fixture("pcd/pcl_rgb_binary_compressed.pcd"))
        #expect(d.encoding == "binary_compressed")
        #expect(d.fields == ["x", "y", "z", "rgb"])
        #expect(d.points == 3 && d.nonFinitePoints == 1)
        #expect(d.bounds?.min[0] == -70.5)
    }

    @Test func describesAnOPV2VScenarioInOpenCOODAgentOrder() throws {
        let d = try ScenarioDescription(scenarioAt: fixture("opv2v/scenario"))
        #expect(d.frames == 2)
        #expect(d.agents.map(\.id) == ["650", "659", "-1"])
        #expect(d.agents.last?.kind == .roadsideUnit)
        #expect(abs((d.frameIntervalSeconds ?? 0) - 0.1) < 1e-6)
    }

    @Test func aTruncatedFileIsATypedError() throws {
        let bytes = try Data(contentsOf: fixture("pcd/pcl_rgb_binary.pcd"))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("v2x-trunc-\(UUID()).pcd")
        defer { try? FileManager.default.removeItem(at: url) }
        // Keep the header and half of the 4-point × 16-byte payload.
        let headerEnd = try #require(bytes.range(of: Data("DATA binary\n".utf8))).upperBound
        try bytes.prefix(headerEnd + 32).write(to: url)
        #expect(throws: V2XError.self) { try PointCloudDescription(pcdAt: url) }
    }
}
