import Fusion
import V2XCore
import XCTest

final class ScenarioClockTests: XCTestCase {
    func testScenarioAndWallTimeConvertBothWaysAtAnySpeed() throws {
        let clock = try ScenarioClock(wallStart: Timestamp(nanoseconds: 1_000_000_000_000), scenarioStart: Timestamp(nanoseconds: 40_000_000_000), speed: 0.5)
        XCTAssertEqual(clock.scenarioTime(atWall: Timestamp(nanoseconds: 1_000_200_000_000)), Timestamp(nanoseconds: 40_100_000_000))
        XCTAssertEqual(clock.wallTime(atScenario: Timestamp(nanoseconds: 40_100_000_000)), Timestamp(nanoseconds: 1_000_200_000_000))
        XCTAssertEqual(clock.wallSeconds(scenarioSeconds: 0.1), 0.2, accuracy: 1e-12)
        XCTAssertThrowsError(try ScenarioClock(wallStart: .init(nanoseconds: 0), scenarioStart: .init(nanoseconds: 0), speed: 0))
    }

    func testANodeBehindItsSensorSkipsToTheNewestCapturedFrame() {
        let times = (0..<5).map { Timestamp(nanoseconds: Int64($0) * 100_000_000) }
        XCTAssertEqual(ScenarioClock.frameToProcess(captureTimes: times, after: nil, now: .init(nanoseconds: 0)), 0)
        XCTAssertNil(ScenarioClock.frameToProcess(captureTimes: times, after: 0, now: .init(nanoseconds: 99_000_000)))
        XCTAssertEqual(ScenarioClock.frameToProcess(captureTimes: times, after: 0, now: .init(nanoseconds: 100_000_000)), 1)
        XCTAssertEqual(ScenarioClock.frameToProcess(captureTimes: times, after: 0, now: .init(nanoseconds: 350_000_000)), 3)
        XCTAssertNil(ScenarioClock.frameToProcess(captureTimes: times, after: 4, now: .init(nanoseconds: 900_000_000)))
    }
}
