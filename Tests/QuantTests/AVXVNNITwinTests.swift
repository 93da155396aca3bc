import Quant
import QuantKernels
import Testing
import V2XTestSupport

/// The AVX-VNNI path cannot run on CPUs without AVX-VNNI (e.g. AMD Zen 4); its code, compiled
/// with the EVEX encoding of the same instruction, runs wherever AVX-512 VNNI does and must
/// match the scalar kernel bit for bit.
@Suite(.enabled(if: KernelISA.avx512VNNI.isSupported, "needs AVX-512 VNNI for the EVEX encoding"))
struct AVXVNNITwinTests {
    @Test(arguments: int8Cases.indices)
    func evexTwinOfTheAVXVNNIKernelMatchesScalar(caseIndex: Int) {
        let c = int8Cases[caseIndex]
        var rng = SeededGenerator(seed: 300 + UInt64(caseIndex))
        let taps = c.kernelSize * c.kernelSize
        let weights = (0..<(c.outputChannels * taps * c.inputChannels)).map { _ in Int8.random(in: -128...127, using: &rng) }
        let bias = (0..<c.outputChannels).map { _ in Int32.random(in: -100_000...100_000, using: &rng) }
        let multipliers = (0..<c.outputChannels).map { _ in Float.random(in: 1e-5...1e-2, using: &rng) }
        let input = (0..<(c.height * c.width * c.inputChannels)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let paddingRow = [UInt8](repeating: UInt8(c.inputZeroPoint), count: c.inputChannels)
        var packed = [Int8](repeating: 0, count: Int(v2x_conv_packed_size(Int32(c.outputChannels), Int32(taps), Int32(c.inputChannels))))
        #expect(v2x_conv_pack_weights(weights, Int32(c.outputChannels), Int32(taps), Int32(c.inputChannels), &packed) == Int32(V2X_STATUS_OK))
        let outHeight = (c.height + 2 * c.padding - c.kernelSize) / c.stride + 1
        let outWidth = (c.width + 2 * c.padding - c.kernelSize) / c.stride + 1
        let count = outHeight * outWidth * c.outputChannels

        bias.withUnsafeBufferPointer { b in
            multipliers.withUnsafeBufferPointer { m in
                paddingRow.withUnsafeBufferPointer { pad in
                    var params = v2x_conv_params()
                    params.in_height = Int32(c.height); params.in_width = Int32(c.width); params.in_channels = Int32(c.inputChannels)
                    params.out_height = Int32(outHeight); params.out_width = Int32(outWidth); params.out_channels = Int32(c.outputChannels)
                    params.kernel_height = Int32(c.kernelSize); params.kernel_width = Int32(c.kernelSize)
                    params.stride_h = Int32(c.stride); params.stride_w = Int32(c.stride)
                    params.pad_top = Int32(c.padding); params.pad_left = Int32(c.padding)
                    params.pixel_begin = 0; params.pixel_end = Int64(outHeight * outWidth)
                    params.padding_row = pad.baseAddress; params.bias = b.baseAddress; params.multiplier = m.baseAddress
                    params.output_zero_point = 77
                    for relu: Int32 in [0, 1] {
                        params.relu = relu
                        params.isa = Int32(V2X_ISA_SCALAR)
                        params.output_kind = Int32(V2X_OUTPUT_U8)
                        var expectedU8 = [UInt8](repeating: 0, count: count), twinU8 = expectedU8
                        #expect(v2x_conv_u8s8(&params, input, packed, &expectedU8) == Int32(V2X_STATUS_OK))
                        #expect(v2x_conv_u8s8_avxvnni_evex_twin(&params, input, packed, &twinU8) == Int32(V2X_STATUS_OK))
                        #expect(twinU8 == expectedU8, "u8 relu \(relu) \(c)")
                        params.output_kind = Int32(V2X_OUTPUT_S32)
                        var expectedS32 = [Int32](repeating: 0, count: count), twinS32 = expectedS32
                        #expect(v2x_conv_u8s8(&params, input, packed, &expectedS32) == Int32(V2X_STATUS_OK))
                        #expect(v2x_conv_u8s8_avxvnni_evex_twin(&params, input, packed, &twinS32) == Int32(V2X_STATUS_OK))
                        #expect(twinS32 == expectedS32, "s32 relu \(relu) \(c)")
                        params.output_kind = Int32(V2X_OUTPUT_F32)
                        var expectedF32 = [Float](repeating: 0, count: count), twinF32 = expectedF32
                        #expect(v2x_conv_u8s8(&params, input, packed, &expectedF32) == Int32(V2X_STATUS_OK))
                        #expect(v2x_conv_u8s8_avxvnni_evex_twin(&params, input, packed, &twinF32) == Int32(V2X_STATUS_OK))
                        #expect(twinF32 == expectedF32, "f32 relu \(relu) \(c)")
                    }
                }
            }
        }
    }
}
