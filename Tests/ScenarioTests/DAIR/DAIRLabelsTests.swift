import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// DAIR-V2X label files.
@Suite struct DAIRLabelsTests {
    @Test func readsTheCooperativeFixtureWithStringNumbers() throws {
        let objects = try DAIRLabels.objects(from: DatasetFixtures.url("dair/cooperative/label_world/000010.json"))
        // The traffic cone (not a road user) and the zero-size box are left out; ids are
        // positions in the file.
        #expect(objects.map(\.id) == [0, 1])
        #expect(DatasetFixtures.distance(objects[0].box, Box3D(x: 1010, y: 1999.5, z: 11, l: 4.5, w: 2, h: 1.6, yaw: 0)) < 1e-12)
        #expect(DatasetFixtures.distance(objects[1].box, Box3D(x: 1005, y: 2005, z: 11, l: 0.6, w: 0.6, h: 1.7, yaw: 1.2, label: .pedestrian)) < 1e-12)
    }

    @Test func headingIsWrappedIntoMinusPiToPi() throws {
        let objects = try DAIRLabels.objects(from: DatasetFixtures.url("dair/cooperative/label_world/000012.json"))
        #expect(objects.count == 1 && objects[0].box.label == .van)
        #expect(abs(objects[0].box.yaw - (-3.5 + 2 * .pi)) < 1e-12)
    }

    @Test func typeNamesMapToClasses() {
        #expect(DAIRLabels.objectClass(named: "Truck") == .truck)
        #expect(DAIRLabels.objectClass(named: "bus") == .bus)
        #expect(DAIRLabels.objectClass(named: "Motorcyclist") == .cyclist)
        #expect(DAIRLabels.objectClass(named: "Tricyclist") == .cyclist)
        #expect(DAIRLabels.objectClass(named: "Barrowlist") == .pedestrian)
        #expect(DAIRLabels.objectClass(named: "Trafficcone") == nil)
    }

    static let badFiles: [(String, V2XError.Code, String)] = [
        (#"[{"type": "Car", "3d_dimensions": {"h": 1, "w": 1, "l": 1}, "rotation": 0}]"#, .notFound, "3d_location"),
        (#"[{"type": "Car", "3d_dimensions": {"h": 1, "w": 1}, "3d_location": {"x": 0, "y": 0, "z": 0}, "rotation": 0}]"#, .notFound, "3d_dimensions.l"),
        (#"[{"type": "Car", "3d_dimensions": {"h": 1, "w": 1, "l": "long"}, "3d_location": {"x": 0, "y": 0, "z": 0}, "rotation": 0}]"#, .malformedData, "l"),
        (#"[{"type": "Car", "3d_dimensions": {"h": 1, "w": 1, "l": -2}, "3d_location": {"x": 0, "y": 0, "z": 0}, "rotation": 0}]"#, .malformedData, "negative"),
        (#"[{"type": "Zeppelin", "3d_dimensions": {"h": 1, "w": 1, "l": 1}, "3d_location": {"x": 0, "y": 0, "z": 0}, "rotation": 0}]"#, .malformedData, "Zeppelin"),
        (#"[{"type": "Car", "3d_dimensions": {"h": 1, "w": 1, "l": 1}, "3d_location": {"x": "nan", "y": 0, "z": 0}, "rotation": 0}]"#, .malformedData, "x"),
        (#"{"type": "Car"}"#, .malformedData, "wrong type"),
        ("[", .malformedData, "JSON"),
    ]

    @Test(arguments: 0..<badFiles.count)
    func badLabelsAreTypedErrorsNamingTheFile(case index: Int) throws {
        let (text, code, mention) = Self.badFiles[index]
        let dir = try TemporaryDirectory()
        let url = dir.file("label.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        #expect {
            try DAIRLabels.objects(from: url)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == code && error.path == url.path && error.message.contains(mention)
        }
    }
}
