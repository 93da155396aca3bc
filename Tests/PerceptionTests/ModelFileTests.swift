import Foundation
import Perception
import Testing
import V2XCore
import V2XTestSupport

@Suite struct ModelFileTests {
    @Test func safetensorsRoundTripsAndHasTheDocumentedLayout() throws {
        let tensors = [
            NamedTensor(name: "a", shape: [2, 3], values: [1, 2, 3, 4, 5, -6.5]),
            NamedTensor(name: "b", shape: [1], values: [.pi]),
            NamedTensor(name: "empty", shape: [0, 4], values: []),
        ]
        let data = try SafeTensors.encode(tensors, metadata: ["k": "v"])
        let n = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + n) % 8 == 0 && data.count == 8 + n + 7 * 4)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + n))) as? [String: Any]
        let b = try #require(header?["b"] as? [String: Any])
        #expect(b["dtype"] as? String == "F32" && (b["data_offsets"] as? [Int]) == [24, 28])
        let back = try SafeTensors.decode(data)
        #expect(back.tensors == tensors && back.metadata == ["k": "v"])
    }

    func header(_ json: String, data: [UInt8]) -> Data {
        var d = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(contentsOf: Array(json.utf8)); d.append(contentsOf: data)
        return d
    }

    @Test func malformedSafetensorsAreClearErrors() throws {
        let good = try SafeTensors.encode([NamedTensor(name: "w", shape: [2], values: [1, 2])])
        let cases: [(Data, V2XError.Code)] = [
            (Data([1, 2, 3]), .truncatedFile),
            (good.prefix(good.count - 1), .truncatedFile),
            (Data([255, 255, 255, 255, 255, 255, 255, 127]), .malformedHeader),
            (header("{not json", data: []), .malformedHeader),
            (header("[1]", data: []), .malformedHeader),
            (header(#"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), .unsupportedFormat),
            (header(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)), .shapeMismatch),
            (header(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: Array(repeating: 0, count: 8)), .truncatedFile),
            (header(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: []), .malformedHeader),
            (header(#"{"w":{"dtype":"F32","shape":["x"],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), .malformedHeader),
            (header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)), .malformedHeader),
            (header(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), .malformedHeader),
        ]
        for (data, code) in cases {
            do {
                _ = try SafeTensors.decode(data, path: "m.safetensors")
                Issue.record("decoded a malformed file with expected \(code)")
            } catch let error as V2XError {
                #expect(error.code == code, "\(error)")
                #expect(error.path == "m.safetensors")
            }
        }
    }

    @Test func detectorSavesLoadsAndRejectsMismatchedFiles() throws {
        let dir = try TemporaryDirectory()
        var rng = SplitMix64(seed: 3)
        let detector = try BEVDetector(network: DetectorNetwork(config: TinyModel.config, using: &rng))
        try detector.save(to: dir.url)
        let loaded = try BEVDetector.load(from: dir.url)
        #expect(loaded == detector)
        let cloud = TinyModel.cloud(seed: 1)
        #expect(try loaded.detect(points: cloud) == detector.detect(points: cloud))

        // Weights of another shape under this config: a shape mismatch naming the tensor.
        var bigger = TinyModel.config
        bigger.headChannels = 7
        let other = try BEVDetector(network: DetectorNetwork(config: bigger, using: &rng))
        try SafeTensors.write(other.network.tensors, to: dir.file(BEVDetector.weightsFileName))
        #expect { try BEVDetector.load(from: dir.url) } throws: { ($0 as? V2XError)?.code == .shapeMismatch }

        // A missing tensor, a NaN weight, a broken config, a missing folder.
        var tensors = detector.network.tensors
        let dropped = tensors.removeLast()
        try SafeTensors.write(tensors, to: dir.file(BEVDetector.weightsFileName))
        #expect { try BEVDetector.load(from: dir.url) } throws: { ($0 as? V2XError)?.code == .notFound }
        tensors.append(dropped); tensors[0].values[0] = .nan
        try SafeTensors.write(tensors, to: dir.file(BEVDetector.weightsFileName))
        #expect { try BEVDetector.load(from: dir.url) } throws: { ($0 as? V2XError)?.code == .nonFiniteValue }
        try Data(#"{"formatVersion": 1}"#.utf8).write(to: dir.file(BEVDetector.configFileName))
        #expect { try BEVDetector.load(from: dir.url) } throws: { ($0 as? V2XError)?.code == .malformedData }
        var badGrid = TinyModel.config
        badGrid.stage1Convs = 0
        try JSONEncoder().encode(badGrid).write(to: dir.file(BEVDetector.configFileName))
        #expect { try BEVDetector.load(from: dir.url) } throws: { ($0 as? V2XError)?.code == .invalidArgument }
        #expect(throws: V2XError.self) { try BEVDetector.load(from: dir.file("nowhere")) }
    }

    @Test func formatOneConfigsCodeTheDirectionAndFormatTwoNamesItsHeadingCode() throws {
        #expect(TinyModel.config.formatVersion == 2 && TinyModel.config.headingCode == .axis)
        let written = try JSONEncoder().encode(TinyModel.config)
        var object = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
        #expect(object["headingCode"] as? String == "axis")
        object["formatVersion"] = 1
        object.removeValue(forKey: "headingCode")
        let old = try JSONDecoder().decode(DetectorConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.headingCode == .direction)
        try old.validate()
        object["formatVersion"] = 2
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DetectorConfig.self, from: JSONSerialization.data(withJSONObject: object)) }
        var future = TinyModel.config
        future.formatVersion = 3
        #expect { try future.validate() } throws: { ($0 as? V2XError)?.code == .unsupportedFormat }
        var contradictory = old
        contradictory.headingCode = .axis
        #expect { try contradictory.validate() } throws: { ($0 as? V2XError)?.code == .invalidArgument }
    }

    @Test func detectorHandlesBadPointsAndRejectsForeignFeatures() throws {
        var rng = SplitMix64(seed: 4)
        let detector = try BEVDetector(network: DetectorNetwork(config: TinyModel.config, using: &rng))
        let empty = try detector.encode(PointCloud())
        #expect(empty.map.values.allSatisfy { $0 == 0 })
        #expect(empty.map.height == 8 && empty.map.channels == TinyModel.config.featureChannels)
        let junk = try PointCloud(x: [.nan, .infinity, 1e30, -1e30], y: [0, 0, 0, 0], z: [0, .nan, 0, 0], intensity: [.nan, 1, 1, 1])
        #expect(try detector.encode(junk) == empty)
        _ = try detector.detect(points: junk)
        let foreign = try BEVFeatures(grid: TinyModel.config.featureGrid, map: FeatureMap(height: 8, width: 8, channels: 2))
        #expect(throws: V2XError.self) { try detector.detect(foreign) }
        #expect(throws: V2XError.self) { try EgoOnlyFusion().fuse([]) }
        #expect(try EgoOnlyFusion().fuse([empty, foreign]) == empty)
        let confidence = try detector.confidenceMap(empty)
        let head = try detector.headOutput(empty)
        #expect(confidence.channels == 1 && confidence.height == 8)
        #expect(abs(confidence[3, 4, 0] - 1 / (1 + exp(-head[3, 4, 0]))) < 1e-6)
    }
}
