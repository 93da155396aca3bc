import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// Layout detection of `ScenarioLoader.open`.
@Suite struct ScenarioLoaderTests {
    @Test func opensAnOPV2VScenarioFolder() throws {
        let source = try ScenarioLoader.open(DatasetFixtures.url("opv2v/scenario"))
        #expect(source is OPV2VScenario)
        #expect(source.agentIDs == ["650", "659", "-1"])
    }

    @Test func opensADAIRRoot() throws {
        let source = try ScenarioLoader.open(DatasetFixtures.url("dair"))
        #expect(source is DAIRV2XCScenario)
        #expect(source.frameIDs == ["000010", "000012"])
    }

    @Test func namesASplitFolderAsSuch() throws {
        #expect {
            try ScenarioLoader.open(DatasetFixtures.url("opv2v"))
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == .unsupportedFormat && error.message.contains("split") && error.message.contains("scenario")
        }
    }

    @Test func unknownFoldersAndMissingPathsAreTypedErrors() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: dir.file("images"), withIntermediateDirectories: true)
        #expect { try ScenarioLoader.open(dir.url) } throws: { ($0 as? V2XError)?.code == .unsupportedFormat }
        #expect { try ScenarioLoader.open(dir.file("missing")) } throws: { ($0 as? V2XError)?.code == .notFound }
        try "x".write(to: dir.file("file.txt"), atomically: true, encoding: .utf8)
        #expect { try ScenarioLoader.open(dir.file("file.txt")) } throws: { ($0 as? V2XError)?.code == .notFound }
    }
}
