import V2XCore

/// Object type names in OPV2V-family files (`obj_type`), as OpenCOOD and V2X-Real spell them.
///
/// OPV2V itself annotates vehicles only and has no type key (everything is a car);
/// V2XSet/V2X-Real files add `obj_type` with names such as `Car`, `Truck`,
/// `BicycleRider`, `Pedestrian`. Matching ignores case.
public enum OPV2VObjectType {
    /// Our class for a type name, or `nil` when the name is unknown.
    public static func objectClass(named name: String) -> ObjectClass? {
        switch name.lowercased() {
        case "car", "vehicle": .car
        case "van": .van
        case "truck", "concretetruck": .truck
        case "bus": .bus
        case "pedestrian": .pedestrian
        case "cyclist", "bicycle", "bicyclerider", "motorcycle", "motorcyclist", "scooter", "scooterrider": .cyclist
        default: nil
        }
    }

    /// The name written for a class (capitalised, in the V2X-Real vocabulary).
    public static func name(of label: ObjectClass) -> String {
        switch label {
        case .car: "Car"
        case .van: "Van"
        case .truck: "Truck"
        case .bus: "Bus"
        case .pedestrian: "Pedestrian"
        case .cyclist: "BicycleRider"
        }
    }
}
