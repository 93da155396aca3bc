import Comm
import V2XCore

extension AgentObservation {
    /// What a received, verified message tells the ego: the decoded map (zeros where not
    /// sent), the sent-cell mask, the confidence the sender attached, its boxes (with the returns
    /// it sent inside them) and pose.
    /// - Parameter history: the same sender's earlier frames' boxes, newest first (time and
    ///   motion compensation).
    /// - Throws: what `BEVMessage.decodeFeatures(with:)` throws for a foreign codebook or bad codes.
    public init(message: BEVMessage, codebook: FeatureCodebook, history: [BoxSnapshot] = []) throws {
        let (features, sent) = try message.decodeFeatures(with: codebook)
        self.init(
            agentID: message.agentID, captureTime: message.captureTime, pose: message.pose,
            poseUncertainty: PoseUncertainty(covarianceUpper: message.poseCovarianceUpper) ?? .exact,
            features: features, grid: message.grid, sentMask: sent, confidence: message.confidenceMap,
            boxes: message.boxes, history: history,
            boxReturns: zip(message.boxReturns, message.boxes).map { $0.points(in: $1) }
        )
    }
}
