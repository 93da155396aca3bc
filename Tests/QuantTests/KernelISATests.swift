import Quant
import QuantKernels
import Testing
import V2XCore

@Suite struct KernelISATests {
    @Test func detectedIsTheFastestSupportedPath() {
        #expect(KernelISA.detected == KernelISA.supported.last)
        #expect(KernelISA.supported.first == .scalar)
    }

    @Test func environmentForcesSupportedPathsAndRejectsOthers() throws {
        #expect(try KernelISA.forced(from: [:]) == nil)
        #expect(try KernelISA.forced(from: ["V2X_KERNEL_ISA": ""]) == nil)
        for isa in KernelISA.allCases {
            let environment = ["V2X_KERNEL_ISA": isa.rawValue]
            if isa.isSupported {
                #expect(try KernelISA.forced(from: environment) == isa)
                #expect(try KernelISA.selected(environment: environment) == isa)
            } else {
                #expect(throws: V2XError.self) { try KernelISA.forced(from: environment) }
            }
        }
        #expect(try KernelISA.forced(from: ["V2X_KERNEL_ISA": "AVX2"]) == (KernelISA.avx2.isSupported ? .avx2 : nil))
        #expect(throws: V2XError.self) { try KernelISA.forced(from: ["V2X_KERNEL_ISA": "sse9"]) }
        #expect(try KernelISA.selected(environment: [:]) == .detected)
    }

    @Test func theKernelRefusesPathsTheCPULacks() {
        // Independent of the Swift checks: the C entry point itself returns a status.
        var params = v2x_conv_params()
        params.in_height = 1; params.in_width = 1; params.in_channels = 1
        params.out_height = 1; params.out_width = 1; params.out_channels = 1
        params.kernel_height = 1; params.kernel_width = 1; params.stride_h = 1; params.stride_w = 1
        params.pixel_begin = 0; params.pixel_end = 1
        params.output_kind = Int32(V2X_OUTPUT_S32)
        let input: [UInt8] = [7]
        let bias: [Int32] = [1]
        var packed = [Int8](repeating: 0, count: Int(v2x_conv_packed_size(1, 1, 1)))
        #expect(v2x_conv_pack_weights([3], 1, 1, 1, &packed) == Int32(V2X_STATUS_OK))
        var out: [Int32] = [0]
        bias.withUnsafeBufferPointer { b in
            params.bias = b.baseAddress
            for isa in KernelISA.allCases {
                params.isa = Int32(KernelISA.allCases.firstIndex(of: isa) ?? 0)
                let status = v2x_conv_u8s8(&params, input, packed, &out)
                #expect(status == Int32(isa.isSupported ? V2X_STATUS_OK : V2X_STATUS_UNSUPPORTED_ISA), "\(isa)")
                if isa.isSupported { #expect(out == [22]) }
            }
            params.isa = 99
            #expect(v2x_conv_u8s8(&params, input, packed, &out) == Int32(V2X_STATUS_UNSUPPORTED_ISA))
            params.isa = Int32(V2X_ISA_SCALAR)
            params.pixel_end = 2
            #expect(v2x_conv_u8s8(&params, input, packed, &out) == Int32(V2X_STATUS_INVALID_ARGUMENT))
            params.pixel_end = 1
            params.out_height = 2
            #expect(v2x_conv_u8s8(&params, input, packed, &out) == Int32(V2X_STATUS_INVALID_ARGUMENT))
            params.out_height = 1
            params.output_kind = Int32(V2X_OUTPUT_U8)  // needs multipliers
            #expect(v2x_conv_u8s8(&params, input, packed, &out) == Int32(V2X_STATUS_INVALID_ARGUMENT))
        }
    }
}

@Suite struct PackingTests {
    @Test func accumulatorHeadroomIsExact() {
        // K · 255 · 128 + |bias| ≤ 2^31 − 1.
        #expect(v2x_conv_max_abs_bias(9, 64) == Int64(Int32.max) - 9 * 64 * 32_640)
        #expect(v2x_conv_max_abs_bias(1, 65_793) == Int64(Int32.max) - 65_793 * 32_640)
        #expect(v2x_conv_max_abs_bias(1, 65_794) == -1)
        #expect(v2x_conv_max_abs_bias(-1, 1) == -1)
    }

    @Test func packedLayoutPlacesEveryWeightAndZeroFillsTheRest() {
        // 17 output channels (2 blocks), 2 taps, 5 input channels (2 groups).
        let cout = 17, taps = 2, cin = 5
        let weights = (0..<(cout * taps * cin)).map { Int8(truncatingIfNeeded: $0 % 251 - 120) }
        let size = Int(v2x_conv_packed_size(Int32(cout), Int32(taps), Int32(cin)))
        #expect(size == 2 * taps * 2 * 64)
        var packed = [Int8](repeating: 99, count: size)
        #expect(v2x_conv_pack_weights(weights, Int32(cout), Int32(taps), Int32(cin), &packed) == Int32(V2X_STATUS_OK))
        for ob in 0..<2 {
            for t in 0..<taps {
                for g in 0..<2 {
                    for o in 0..<16 {
                        for i in 0..<4 {
                            let oc = ob * 16 + o, ic = g * 4 + i
                            let expected = oc < cout && ic < cin ? weights[(oc * taps + t) * cin + ic] : 0
                            #expect(packed[((ob * taps + t) * 2 + g) * 64 + o * 4 + i] == expected)
                        }
                    }
                }
            }
        }
        #expect(v2x_conv_pack_weights(weights, 0, 1, 1, &packed) == Int32(V2X_STATUS_INVALID_ARGUMENT))
    }
}
