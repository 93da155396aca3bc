import Fusion

/// The rows and conditions of `v2x eval sweep`, and the replay setting of each cell.
struct SweepGrid {
    /// One method of the results table.
    enum Row: String, CaseIterable {
        case noFusion = "no fusion"
        case late = "late (TCLF)"
        case early = "early (raw points)"
        case dense = "intermediate fp32 uncompressed"
        /// Without delay awareness: neither trust weights nor motion compensation.
        case fullNoTrust = "full stack, no trust"
        /// Trust weights without motion compensation.
        case fullNoMotion = "full stack, no motion compensation"
        case full = "full stack"
        /// Without pose correction.
        case fullUncorrected = "full stack, no pose correction"
    }

    /// When and how collaborators' data reach the ego.
    struct Condition: Hashable {
        var delayMs: Double
        var noiseMeters: Double
        /// `nil` = the stack's default budget.
        var budgetBytes: Int?
    }

    struct Entry {
        var row: Row
        var condition: Condition
        var setting: ReplaySetting
    }

    let delaysMs: [Double]
    let noiseMeters: [Double]
    let budgets: [Int]
    let stack: StackOptions
    let fullPrecision: EncoderPrecision
    let entries: [Entry]

    /// Every row at each delay (no noise) and each noise level (no delay), except the row
    /// without pose correction, which runs without delay only (at each noise level), and the
    /// row without motion compensation, which runs without noise only (at each delay); the
    /// full stack alone at each budget (no delay, no noise).
    init(delaysMs: [Double], noiseMeters: [Double], budgets: [Int], stack: StackOptions, fullPrecision: EncoderPrecision) throws {
        self.delaysMs = delaysMs; self.noiseMeters = noiseMeters; self.budgets = budgets
        self.stack = stack; self.fullPrecision = fullPrecision
        var conditions = delaysMs.map { Condition(delayMs: $0, noiseMeters: 0) }
        conditions += noiseMeters.filter { $0 > 0 }.map { Condition(delayMs: 0, noiseMeters: $0) }
        if !delaysMs.contains(0) && noiseMeters.contains(0) { conditions.append(Condition(delayMs: 0, noiseMeters: 0)) }
        var entries: [Entry] = []
        for condition in conditions {
            for row in Row.allCases where (row != .fullUncorrected || condition.delayMs == 0) && (row != .fullNoMotion || condition.noiseMeters == 0) {
                entries.append(Entry(row: row, condition: condition, setting: try Self.setting(row, condition, stack, fullPrecision)))
            }
        }
        for budget in budgets where budget != stack.budgetBytes {
            let condition = Condition(delayMs: 0, noiseMeters: 0, budgetBytes: budget)
            entries.append(Entry(row: .full, condition: condition, setting: try Self.setting(.full, condition, stack, fullPrecision)))
        }
        self.entries = entries
    }

    var settings: [ReplaySetting] { entries.map(\.setting) }

    /// The setting of `row` under `condition`: the stack's options (operator, trust model,
    /// motion compensation, box stage, budget) with what the row changes: its mode, payload
    /// and precision; no trust weights in the baselines and the no-trust row, which also
    /// leaves motion out; no pose correction in the baselines and in its own row.
    static func setting(_ row: Row, _ condition: Condition, _ stack: StackOptions, _ fullPrecision: EncoderPrecision) throws -> ReplaySetting {
        var fusion = try stack.setting(name: row.rawValue, mode: .intermediate, delaySeconds: 0, poseNoise: 0).fusion
        let (precision, payload): (EncoderPrecision, SharedPayload)
        switch row {
        case .noFusion: (fusion.mode, precision, payload) = (.none, .fp32, .nothing)
        case .late: (fusion.mode, precision, payload) = (.late, .fp32, .boxes)
        case .early: (fusion.mode, precision, payload) = (.early, .fp32, .points)
        case .dense:
            (precision, payload) = (.fp32, .denseFeatures)
            // The uncompressed baseline at its best: attention over whole maps mixes every
            // sender's background into the ego's cells (test AP@0.5 0.651 against 0.736).
            fusion.fusionOperator = .select
        case .fullNoTrust, .fullNoMotion, .full, .fullUncorrected:
            (precision, payload) = (fullPrecision, .codedFeatures)
        }
        switch row {
        case .noFusion, .late, .early, .dense:
            fusion.trust = nil
            fusion.motionCompensation = false
            fusion.poseCorrection = nil
        case .fullNoTrust:
            fusion.trust = nil
            fusion.motionCompensation = false
        case .fullNoMotion:
            fusion.motionCompensation = false
        case .full:
            break
        case .fullUncorrected:
            fusion.poseCorrection = nil
        }
        return ReplaySetting(
            name: row.rawValue, fusion: fusion, precision: precision, payload: payload, delaySeconds: condition.delayMs / 1000,
            poseNoise: .matching(positionSigmaMeters: condition.noiseMeters), budgetBytes: condition.budgetBytes)
    }
}
