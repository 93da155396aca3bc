import ArgumentParser
import CDNNLBench
import Foundation
import Perception
import Quant
import V2XCore

/// `v2x bench kernels`: int8 convolution per ISA path against our fp32 path (im2col +
/// OpenBLAS sgemm) and oneDNN's u8×s8 convolution, on the detector's layer shapes.
struct BenchKernels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Int8 convolution GOPS per ISA path vs fp32 OpenBLAS and oneDNN int8, with ratios and share of peak."
    )

    /// Which run of each measurement is reported.
    enum Statistic: String, ExpressibleByArgument, CaseIterable {
        /// The fastest run: what the code can do when it gets the cores; the most stable
        /// figure on a machine shared with other jobs.
        case min
        /// The middle run: includes interference from other jobs.
        case median
    }

    @Option(help: "Timed runs per measurement after one warm-up.")
    var repeats = 15

    @Option(help: "Which run to report: the fastest (min, stable on a shared machine) or the median.")
    var statistic: Statistic = .min

    @Option(help: "Pillars in the pillar-encoder linear layer (32 points each).")
    var pillars = 20_000

    @Flag(help: "Also time the portable scalar path (slow).")
    var includeScalar = false

    @Option(help: "Only the layers whose name contains this text (e.g. 'linear', '1×1', 's2').")
    var only: String?

    @Option(help: "Threads for every peer (ours, OpenBLAS, oneDNN's OpenMP); default: all cores.")
    var threads: Int?

    func validate() throws {
        if let threads { guard threads > 0 else { throw ValidationError("--threads must be positive") } }
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
        guard pillars > 0 else { throw ValidationError("--pillars must be positive") }
    }

    /// One benchmarked layer: `[height][width][cin] → [Ho][Wo][cout]`, square kernel.
    struct Shape {
        var name: String
        var height: Int, width: Int, inputChannels: Int, outputChannels: Int
        var kernel: Int, stride: Int, padding: Int
        var isLinear = false

        var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
        var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
        var reduction: Int { kernel * kernel * inputChannels }
        /// Multiply-adds; one multiply-add is two operations.
        var macs: Double { Double(outputHeight * outputWidth * outputChannels * reduction) }
    }

    func run() throws {
        // oneDNN's OpenMP workers (libgomp) otherwise spin after each call on the cores the next
        // measurement needs, as OpenBLAS's did (`V2X.main` makes those sleep): a two-thread
        // int8 layer then ran at its one-thread speed in most benchmark processes.
        ProcessEnvironment.reexecuting(with: ["OMP_WAIT_POLICY": "passive"])
        let shapes = [
            Shape(name: "pillar linear 10→64, \(pillars)×32", height: pillars, width: 32, inputChannels: 10, outputChannels: 64, kernel: 1, stride: 1, padding: 0, isLinear: true),
            Shape(name: "conv3×3 s1 64→64, 128²", height: 128, width: 128, inputChannels: 64, outputChannels: 64, kernel: 3, stride: 1, padding: 1),
            Shape(name: "conv3×3 s2 64→128, 128²→64²", height: 128, width: 128, inputChannels: 64, outputChannels: 128, kernel: 3, stride: 2, padding: 1),
            Shape(name: "conv3×3 s1 128→128, 64²", height: 64, width: 64, inputChannels: 128, outputChannels: 128, kernel: 3, stride: 1, padding: 1),
            Shape(name: "conv1×1 128→64, 64²", height: 64, width: 64, inputChannels: 128, outputChannels: 64, kernel: 1, stride: 1, padding: 0),
        ].filter { only.map($0.name.contains) ?? true }
        // V2X_KERNEL_ISA, when set, restricts the run to that path (and fails clearly if the CPU lacks it).
        let paths = try KernelISA.forced().map { [$0] } ?? KernelISA.supported.filter { includeScalar || $0 != .scalar }
        let cores = threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard v2x_bench_set_library_threads(Int32(cores)) == 3 else {
            throw V2XError(.notFound, "cannot set the thread count of oneDNN's OpenMP runtime or of OpenBLAS")
        }
        let peak = KernelISA.avx512VNNI.isSupported ? Self.measuredVNNIPeakGOPS(cores: cores) : nil

        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
        print("int8 u8×s8 → u8 (+bias, per-channel requantization, ReLU), \(statistic == .min ? "fastest" : "median") of \(repeats) runs, \(cores) threads, load average \(load)")
        print("supported paths: \(KernelISA.supported.map(\.rawValue).joined(separator: ", ")); detected: \(KernelISA.detected)")
        if let peak {
            print(String(format: "int8 peak (measured: one core's zmm vpdpbusd throughput, fastest of 20, × %d cores): %.0f GOPS", cores, peak))
        }
        print("fp32 = im2col + OpenBLAS sgemm (\(OpenBLASCore.active) kernels; no bias/ReLU pass); oneDNN = libdnnl u8×s8 convolution with output scales + ReLU")
        print("")
        var header = "layer".padding(toLength: 32, withPad: " ", startingAt: 0) + "  GMAC   fp32 GOPS  oneDNN GOPS"
        for isa in paths { header += " " + "\(isa) GOPS".leftPadded(to: 16) }
        header += "   best/fp32  best/oneDNN  best/peak  oneDNN match"
        print(header)

        for shape in shapes {
            let result = try measure(shape, paths: paths)
            var line = shape.name.padding(toLength: 32, withPad: " ", startingAt: 0)
            line += String(format: "%6.2f %11.1f %12.1f", shape.macs / 1e9, result.fp32GOPS, result.oneDNNGOPS)
            for gops in result.int8GOPS { line += String(format: " %16.1f", gops) }
            let best = result.int8GOPS.max() ?? 0
            line += String(format: " %10.2f× %11.2f×", best / result.fp32GOPS, best / result.oneDNNGOPS)
            line += peak.map { String(format: " %9.0f%%", 100 * best / $0) } ?? "         –"
            line += "  " + result.agreement
            print(line)
        }
        print("")
        print("targets: int8 ≥ 3× fp32, ≥ 0.6× oneDNN int8. oneDNN pads with code 0, ours with the input zero point: the input uses zx = 0 so both compute the same layer.")
    }

    struct Result {
        var fp32GOPS: Double
        var oneDNNGOPS: Double
        var int8GOPS: [Double]
        var agreement: String
    }

    func measure(_ shape: Shape, paths: [KernelISA]) throws -> Result {
        var rng = BenchRandom(seed: 0x5EED_0000 + UInt64(shape.reduction))
        let weightCount = shape.outputChannels * shape.reduction
        let weights = (0..<weightCount).map { _ in rng.uniform(-1, 1) / Float(shape.reduction).squareRoot() }
        let bias = (0..<shape.outputChannels).map { _ in rng.uniform(-0.1, 0.1) }
        // Post-ReLU activations: non-negative, zero point 0 (see the note printed below the table).
        let inputValues = (0..<(shape.height * shape.width * shape.inputChannels)).map { _ in rng.uniform(0, 4) }
        let xq = try AffineQuantization(coveringMin: 0, max: 4)
        let yq = try AffineQuantization(coveringMin: 0, max: 6)
        let input = QuantizedTensor(
            quantizing: try FeatureMap(height: shape.height, width: shape.width, channels: shape.inputChannels, values: inputValues), with: xq)
        let layer = try Int8ConvolutionLayer(
            weights: weights, bias: bias, inputChannels: shape.inputChannels, outputChannels: shape.outputChannels,
            kernelSize: shape.kernel, stride: shape.stride, padding: shape.padding, inputQuantization: xq)
        let linear = shape.isLinear
            ? try Int8LinearLayer(weights: weights, bias: bias, inputFeatures: shape.inputChannels, outputFeatures: shape.outputChannels, inputQuantization: xq)
            : nil

        let cores = threads ?? ProcessInfo.processInfo.activeProcessorCount
        // One output buffer reused across runs, as oneDNN reuses its destination memory.
        var ours = try QuantizedTensor(height: 0, width: 0, channels: 0, values: [], quantization: yq)
        // Our int8 path, one peer per ISA.
        var peers: [() throws -> Void] = paths.map { isa in
            {
                if let linear {
                    try linear.forward(input, output: yq, relu: true, into: &ours, isa: isa, threads: cores)
                } else {
                    try layer.forward(input, output: yq, relu: true, into: &ours, isa: isa, threads: cores)
                }
            }
        }

        // fp32: im2col (skipped for the linear layer, whose rows are already the matrix) + sgemm.
        let m = shape.outputHeight * shape.outputWidth
        var columns = [Float](repeating: 0, count: shape.isLinear ? 0 : m * shape.reduction)
        var product = [Float](repeating: 0, count: m * shape.outputChannels)
        peers.append {
            if shape.isLinear {
                try Sgemm.multiply(m: m, n: shape.outputChannels, k: shape.reduction, a: inputValues, b: weights, transposeB: true, c: &product)
            } else {
                Self.im2col(inputValues, shape: shape, into: &columns)
                try Sgemm.multiply(m: m, n: shape.outputChannels, k: shape.reduction, a: columns, b: weights, transposeB: true, c: &product)
            }
        }

        // oneDNN with the same quantized weights, bias and multipliers.
        let multipliers = layer.weightScales.map { Float(Double(xq.scale) * Double($0) / Double(yq.scale)) }
        var dnnlShape = v2x_dnnl_conv_shape(
            height: Int32(shape.height), width: Int32(shape.width), in_channels: Int32(shape.inputChannels),
            out_channels: Int32(shape.outputChannels), kernel: Int32(shape.kernel), stride: Int32(shape.stride), padding: Int32(shape.padding))
        var conv: OpaquePointer?
        var name = [CChar](repeating: 0, count: 128)
        let status = v2x_dnnl_conv_create(
            &dnnlShape, input.values, layer.quantizedWeights, layer.quantizedBias, multipliers, 1, &conv, &name, Int32(name.count))
        guard status == 0, let conv else { throw V2XError(.invalidArgument, "oneDNN convolution setup failed (dnnl_status_t \(status))") }
        defer { v2x_dnnl_conv_destroy(conv) }
        peers.append {
            let s = v2x_dnnl_conv_run(conv)
            guard s == 0 else { throw V2XError(.invalidArgument, "oneDNN convolution failed (dnnl_status_t \(s))") }
        }

        let seconds = try time(repeats, peers)
        let gops = seconds.map { 2 * shape.macs / $0 / 1e9 }
        var theirs = [UInt8](repeating: 0, count: ours.values.count)
        _ = v2x_dnnl_conv_output(conv, &theirs, Int64(theirs.count))
        let differences = zip(ours.values, theirs).map { abs(Int($0) - Int($1)) }
        let agreement = "max |Δ| \(differences.max() ?? 0), \(differences.filter { $0 != 0 }.count) of \(theirs.count) differ [\(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]"

        return Result(fp32GOPS: gops[paths.count], oneDNNGOPS: gops[paths.count + 1], int8GOPS: Array(gops[..<paths.count]), agreement: agreement)
    }

    /// `[Ho·Wo][k·k·Cin]` rows of the NHWC input, zero outside it (fp32 zero padding):
    /// ```
    /// row (oy, ox) = [x(iy0, ix0, 0…Cin−1) | x(iy0, ix0+1, …) | … | x(iy0+k−1, ix0+k−1, …)]
    /// ```
    static func im2col(_ input: [Float], shape: Shape, into columns: inout [Float]) {
        let cin = shape.inputChannels, k = shape.kernel
        let rowLength = shape.reduction
        input.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { c in
                // Sizes: columns holds Ho·Wo·k²·Cin floats; every copy stays inside one input pixel.
                guard let src = x.baseAddress, let dst = c.baseAddress else { return }
                for oy in 0..<shape.outputHeight {
                    for ox in 0..<shape.outputWidth {
                        var out = dst + (oy * shape.outputWidth + ox) * rowLength
                        for ky in 0..<k {
                            let iy = oy * shape.stride - shape.padding + ky
                            for kx in 0..<k {
                                let ix = ox * shape.stride - shape.padding + kx
                                if iy >= 0, iy < shape.height, ix >= 0, ix < shape.width {
                                    out.update(from: src + (iy * shape.width + ix) * cin, count: cin)
                                } else {
                                    out.update(repeating: 0, count: cin)
                                }
                                out += cin
                            }
                        }
                    }
                }
            }
        }
    }

    /// Seconds of the fastest or the median of `repeats` runs of each peer, after one warm-up
    /// run each. The peers take turns run by run, so load from other jobs on the shared
    /// machine falls on all of them alike.
    func time(_ repeats: Int, _ peers: [() throws -> Void]) throws -> [Double] {
        for peer in peers { try peer() }
        var seconds = [[Double]](repeating: [], count: peers.count)
        let clock = ContinuousClock()
        for _ in 0..<repeats {
            for (index, peer) in peers.enumerated() {
                let elapsed = try clock.measure(peer)
                seconds[index].append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
        }
        return seconds.map { runs in
            let sorted = runs.sorted()
            return statistic == .min ? sorted[0] : sorted[sorted.count / 2]
        }
    }

    /// Int8 peak: one core's zmm vpdpbusd throughput (fastest of 20 runs of independent
    /// chains; 64 multiply-adds = 128 operations per instruction) times the cores.
    static func measuredVNNIPeakGOPS(cores: Int) -> Double {
        let iterations: Int64 = 500_000
        _ = v2x_bench_vpdpbusd_zmm_seconds(iterations)
        let fastest = (0..<20).map { _ in v2x_bench_vpdpbusd_zmm_seconds(iterations) }.min() ?? 1
        return Double(cores) * Double(iterations) * 16 * 128 / fastest / 1e9
    }
}

/// A small deterministic generator for benchmark data (PCG-style LCG).
private struct BenchRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return lo + (hi - lo) * Float(state >> 40) / Float(1 << 24)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
