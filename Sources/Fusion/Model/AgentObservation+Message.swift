import Comm
import V2XCore

extension AgentObservation {
    /// What a received, verified message tells the ego: the decoded map (zeros where not
    /// sent), the sent-cell mask, the confidence the sender attached, its boxes and pose.
    /// - Parameter previous: the same sender's last frame, for late fusion's time compensation.
    /// - Throws: what `BEVMessage.decodeFeatures(with:)` throws for a foreign codebook or bad codes.
    public init(message: BEVMessage, codebook: FeatureCodebook, previous: BoxSnapshot? = nil) throws {
        let (features, sent) = try message.decodeFeatures(with: codebook)
        self.init(
            agentID: message.agentID, captureTime: message.captureTime, pose: message.pose,
            poseUncertainty: PoseUncertainty(covarianceUpper: message.poseCovarianceUpper) ?? .exact,
            features: features, grid: message.grid, sentMask: sent, confidence: message.confidenceMap,
            boxes: message.boxes, previous: previous
        )
    }

    /// This observation's boxes as a snapshot, kept by the ego as `previous` for the sender's next frame.
    public var boxSnapshot: BoxSnapshot { BoxSnapshot(captureTime: captureTime, pose: pose, boxes: boxes) }
}
