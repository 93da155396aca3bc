import Perception
import Testing

@Suite struct OpenBLASCoreTests {
    @Test func fallbackCoreOnAVX512CPUAsksForSkylakeX() {
        #expect(OpenBLASCore.recommended(active: "Prescott", runsSkylakeX: true, runsHaswell: true) == "SkylakeX")
    }

    @Test func fallbackCoreOnAVX2CPUAsksForHaswell() {
        #expect(OpenBLASCore.recommended(active: "Prescott", runsSkylakeX: false, runsHaswell: true) == "Haswell")
        #expect(OpenBLASCore.recommended(active: "Nehalem", runsSkylakeX: false, runsHaswell: true) == "Haswell")
    }

    @Test func fallbackCoreOnOldCPUStays() {
        #expect(OpenBLASCore.recommended(active: "Prescott", runsSkylakeX: false, runsHaswell: false) == nil)
    }

    @Test(arguments: ["SkylakeX", "Cooperlake", "Haswell", "Zen", "SapphireRapids"])
    func recognisedCoreIsKept(core: String) {
        #expect(OpenBLASCore.recommended(active: core, runsSkylakeX: true, runsHaswell: true) == nil)
    }

    @Test func thisProcessReportsItsCore() {
        let active = OpenBLASCore.active
        #expect(!active.isEmpty)
        // Whatever is recommended here must be a vector core, never one of the fallbacks.
        if let core = OpenBLASCore.recommendedForThisCPU {
            #expect(OpenBLASCore.fallbackCores.contains(active))
            #expect(!OpenBLASCore.fallbackCores.contains(core))
        }
    }
}
