using System.Security.Cryptography;
using ZkMl.Compiler;
using ZkMl.Compiler.Onnx;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.Compiler.Quantization;
using Google.Protobuf;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Fuzz.Tests;

/// <summary>Crashes the parser fuzzers found, each pinned by the input that showed it (always run, not only with Category=Fuzz).</summary>
public class FuzzRegressionTests
{
    private static byte[] Wrap(byte[] content)
    {
        var valid = Seeds.Zkc[0];
        return [.. valid.AsSpan(0, 12), .. BitConverter.GetBytes((ulong)content.Length), .. content, .. SHA256.HashData(content)];
    }

    [Fact]
    public void Zkc_string_length_with_too_many_varint_bytes_is_a_format_error()
    {
        // Found by ParserFuzzTests.CircuitFiles (ZkcContent edits): the name's 7-bit length prefix of 0xFF bytes made
        // BinaryReader throw FormatException, which escaped as an unhandled exception.
        var bytes = new ZkcContent(new SetWord(0, 8, ulong.MaxValue, false)).Apply(Seeds.Zkc[0]);
        var e = Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(bytes, "bad.zkc"));
        Assert.Contains("bad.zkc", e.Message);
        Assert.Contains("malformed circuit content", e.Message);
    }

    [Fact]
    public void Zkc_layer_shape_whose_byte_size_overflows_is_refused_by_the_shape_check()
    {
        // Found reading the code the fuzzer pointed at: ins·outs·8 overflowed long for ins = outs = 2^31 − 1, so the
        // shape check passed and the reader went on to allocate a 2^62-entry array.
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(""); w.Write(8); w.Write(8); w.Write(8); w.Write(int.MaxValue); w.Write(1.0); w.Write(1);
            w.Write(""); w.Write(true); w.Write(int.MaxValue); w.Write(int.MaxValue); w.Write(0);
            w.Write(1.0); w.Write(1.0); w.Write(1.0); w.Write(1.0);
            w.Write(0L); w.Write(0); w.Write(0); w.Write(0L); w.Write(0L); w.Write(0L);
            w.Write(new byte[64]);
        }
        var e = Assert.Throws<ModelFormatException>(() => CircuitFile.FromBytes(Wrap(ms.ToArray()), "huge.zkc"));
        Assert.Contains("layer 0: shape [2147483647, 2147483647]", e.Message);
    }

    [Fact]
    public void Vk_limb_count_whose_product_with_the_limb_width_overflows_is_refused()
    {
        // Found by ParserFuzzTests.VerifyingKeys (long run, seed 0x5EED2): a resealed key whose layer-0 limb count
        // had its top byte set (2^30 + 2 limbs) passed "shift = limbs · c" because the int product wrapped to the
        // real shift (16), and the verifier then looped over 2^30 limbs (a hang).
        var vk = Seeds.Vk;
        var original = vk.ToBytes();
        var bytes = new Reseal(new SetWord(107, 4, 64, false)).Apply(original);
        Assert.False(VerifyingKey.TryFromBytes(bytes, out var bad, out var reason));
        Assert.Null(bad);
        Assert.Contains("layer 0 requantization constants", reason);
        // The field the mutation hit is the limb count of layer 0 (bytes 104..107 of the key): the honest key still loads.
        Assert.True(VerifyingKey.TryFromBytes(original, out _, out var ok), ok);
    }

    [Fact]
    public void Onnx_every_varint_set_to_an_edge_value_is_a_format_error()
    {
        // Found by ParserFuzzTests.Onnx (long run, seed 0x5EED2): a nested length varint of 2^31 − 1 in a graph input's
        // shape made Google.Protobuf throw IndexOutOfRangeException instead of InvalidProtocolBufferException.
        // Exhaustive over every varint of every seed (../shared's models included when present).
        ulong[] values = [0, 1, 127, 128, int.MaxValue, 1UL << 31, uint.MaxValue, 1UL << 32, long.MaxValue, ulong.MaxValue];
        int cases = 0;
        foreach (var seed in Seeds.Onnx)
            foreach (int offset in Mutations.ProtobufVarints(seed))
                foreach (ulong v in values)
                {
                    var bytes = new SetVarint(offset, v).Apply(seed);
                    try { OnnxImporter.Import(bytes, "edge.onnx"); }
                    catch (ModelFormatException) { }
                    catch (CompileException) { }
                    cases++;
                }
        Assert.True(cases > 1000, $"{cases} cases");
    }

    [Fact]
    public void Onnx_empty_constant_input_names_the_node()
    {
        // Found by ParserFuzzTests.Onnx (long run): a node whose weight input is "" (ONNX's omitted optional input)
        // reached a dictionary lookup and threw KeyNotFoundException.
        var model = ModelProto.Parser.ParseFrom(Seeds.Onnx[0]);
        var node = model.Graph.Node.First(n => n.OpType is "Gemm" or "MatMul");
        node.Input[1] = "";
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "empty.onnx"));
        Assert.Contains("input 1 is empty", e.Message);
        Assert.Contains(node.OpType, e.Message);
    }

    private static byte[] AbiWord(long v)
    {
        var w = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(w.AsSpan(24), v);
        return w;
    }

    [Fact]
    public void A_truncated_Error_string_is_shown_raw_not_as_an_empty_message()
    {
        // Found by CalldataFuzzTests.RevertData: Error(string) data cut after its length word (54) made Nethereum's
        // lenient decoder return "", so a revert read "execution reverted: " with nothing after it.
        byte[] cut = [0x08, 0xc3, 0x79, 0xa0, .. AbiWord(0x20), .. AbiWord(54)];
        Assert.Equal("custom error 0x08c379a0" + Convert.ToHexStringLower(cut.AsSpan(4)), ZkMl.Evm.Chain.RevertReason.Decode(cut));
        byte[] text = "abc"u8.ToArray();
        Assert.Equal("abc", ZkMl.Evm.Chain.RevertReason.Decode([0x08, 0xc3, 0x79, 0xa0, .. AbiWord(0x20), .. AbiWord(3), .. text, .. new byte[29]]));
        Assert.Equal("", ZkMl.Evm.Chain.RevertReason.Decode([0x08, 0xc3, 0x79, 0xa0, .. AbiWord(0x20), .. AbiWord(0)]));   // require(x, "")
        Assert.Equal("Panic(0x11)", ZkMl.Evm.Chain.RevertReason.Decode([0x4e, 0x48, 0x7b, 0x71, .. AbiWord(0x11)]));
        // A declared length past the data, or an offset other than Solidity's 0x20, is not an Error(string) message.
        Assert.StartsWith("custom error", ZkMl.Evm.Chain.RevertReason.Decode([0x08, 0xc3, 0x79, 0xa0, .. AbiWord(0x20), .. AbiWord(33), .. text, .. new byte[29]]));
        Assert.StartsWith("custom error", ZkMl.Evm.Chain.RevertReason.Decode([0x08, 0xc3, 0x79, 0xa0, .. AbiWord(0x40), .. AbiWord(3), .. text, .. new byte[29]]));
    }
}
