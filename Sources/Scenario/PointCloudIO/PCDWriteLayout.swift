/// Which fields `PCDFile.write` puts in a file.
///
/// ```
/// xyzIntensity     FIELDS x y z intensity   SIZE 4 4 4 4  TYPE F F F F
/// open3DPackedRGB  FIELDS x y z rgb         SIZE 4 4 4 4  TYPE F F F F
///                  rgb = the float whose bit pattern is 0x00RR0000, RR = round(intensity · 255)
/// ```
/// `open3DPackedRGB` is how Open3D (and so OPV2V) stores a LiDAR sweep: OpenCOOD reads the
/// red colour channel back as intensity. In ascii the rgb float is written as its shortest
/// round-trip decimal (usually a subnormal such as `4.3596e-41`), which Open3D's and PCL's
/// readers parse back to the same bits.
public enum PCDWriteLayout: String, Sendable, CaseIterable, Codable {
    case xyzIntensity
    case open3DPackedRGB
}
