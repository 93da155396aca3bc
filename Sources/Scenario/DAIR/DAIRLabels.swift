import Foundation
import V2XCore

/// DAIR-V2X 3D label files: a JSON array of objects.
///
/// ```
/// [{"type": "Car", "3d_dimensions": {"h": 1.5, "w": 1.8, "l": 4.2},
///   "3d_location": {"x": …, "y": …, "z": …}, "rotation": -1.57, …}, …]
/// ```
/// `3d_location` is the box centre and `rotation` the heading about +z (radians), both
/// in the file's frame (the world for `cooperative/label_world`). Numbers may be numeric
/// strings. The files carry no object identity across frames, so an object's id is its
/// position in the file, and no velocity, so `speedMetersPerSecond` is 0.
public enum DAIRLabels {
    struct Label: Decodable {
        struct Dimensions: Decodable { let h: DAIRNumber; let w: DAIRNumber; let l: DAIRNumber }
        struct Location: Decodable { let x: DAIRNumber; let y: DAIRNumber; let z: DAIRNumber }
        let type: String
        let dimensions: Dimensions
        let location: Location
        let rotation: DAIRNumber

        enum CodingKeys: String, CodingKey {
            case type, rotation
            case dimensions = "3d_dimensions"
            case location = "3d_location"
        }
    }

    /// DAIR classes that are not road users (the stack neither detects nor scores them).
    public static let ignoredTypes: Set<String> = ["trafficcone", "unknown", "unknown_unmovable", "unknown_movable"]

    /// Our class for a DAIR type name (case ignored); `nil` for an ignored or unknown type.
    public static func objectClass(named name: String) -> ObjectClass? {
        switch name.lowercased() {
        case "car": .car
        case "van": .van
        case "truck": .truck
        case "bus": .bus
        case "pedestrian", "barrowlist": .pedestrian
        case "cyclist", "motorcyclist", "tricyclist": .cyclist
        default: nil
        }
    }

    /// The objects of a label file, in the file's frame. Objects of an ignored type and
    /// degenerate boxes (a zero dimension, which the DAIR devkit also skips) are left out.
    /// - Throws: `V2XError` naming the file: missing keys, non-numeric or negative values,
    ///   unknown type names.
    public static func objects(from url: URL) throws -> [SceneObject] {
        let labels = try DAIRJSON.read([Label].self, from: url)
        var objects: [SceneObject] = []
        for (index, label) in labels.enumerated() {
            let (l, w, h) = (label.dimensions.l.value, label.dimensions.w.value, label.dimensions.h.value)
            guard l >= 0, w >= 0, h >= 0 else {
                throw V2XError(.malformedData, "object [\(index)] has a negative dimension (l \(l), w \(w), h \(h))", path: url.path)
            }
            if ignoredTypes.contains(label.type.lowercased()) || l == 0 || w == 0 || h == 0 { continue }
            guard let objectClass = objectClass(named: label.type) else {
                throw V2XError(.malformedData, "object [\(index)] has unknown type '\(label.type)'", path: url.path)
            }
            let box = Box3D(
                x: label.location.x.value, y: label.location.y.value, z: label.location.z.value,
                l: l, w: w, h: h, yaw: Box3D.normalizedAngle(label.rotation.value), label: objectClass
            )
            objects.append(SceneObject(id: index, box: box, speedMetersPerSecond: 0))
        }
        return objects
    }
}
