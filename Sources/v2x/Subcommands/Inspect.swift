import ArgumentParser
import Foundation
import Scenario
import V2XCore

/// `v2x inspect PATH`: describes a PCD file or a scenario folder.
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a PCD file or a scenario folder (OPV2V layout or DAIR-V2X-C root)."
    )

    enum DumpFormat: String, ExpressibleByArgument, CaseIterable {
        case csv
    }

    @Argument(help: "A .pcd file or a scenario folder.")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Print the points of a PCD file as rows: \(DumpFormat.allCases.map(\.rawValue).joined(separator: ", ")) (x,y,z,intensity).")
    var dump: DumpFormat?

    func run() async throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw V2XError(.notFound, "no such file or folder", path: url.path)
        }
        if isDirectory.boolValue {
            if dump != nil { throw ValidationError("--dump applies to a PCD file, not a scenario folder") }
            let description = try ScenarioDescription(scenarioAt: url)
            try emit(description, lines: description.lines)
        } else if dump == .csv {
            try Self.dumpCSV(PCDFile.read(from: url, options: PCDReadOptions(dropNonFinite: false)))
        } else {
            let description = try PointCloudDescription(pcdAt: url)
            try emit(description, lines: description.lines)
        }
    }

    private func emit<T: Encodable>(_ value: T, lines: [String]) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(value), as: UTF8.self))
        } else {
            lines.forEach { print($0) }
        }
    }

    private static func dumpCSV(_ cloud: PointCloud) throws {
        var out = "x,y,z,intensity\n"
        out.reserveCapacity(cloud.count * 40)
        for i in 0..<cloud.count {
            out += "\(cloud.x[i]),\(cloud.y[i]),\(cloud.z[i]),\(cloud.intensity[i])\n"
            if out.utf8.count > 1 << 20 {
                FileHandle.standardOutput.write(Data(out.utf8))
                out.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
