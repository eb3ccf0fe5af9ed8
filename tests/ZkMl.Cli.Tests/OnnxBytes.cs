using System.Text;

namespace ZkMl.Cli.Tests;

/// <summary>
/// Writes small ONNX files by hand (protobuf wire format, field numbers of onnx.proto), so a test can
/// make a model with an op the compiler does not support without depending on the compiler's internals.
/// </summary>
internal static class OnnxBytes
{
    /// <summary>x[N,2] → MatMul(W 2×2) → Selu → y: a valid ONNX graph with an unsupported node named "leaky" (LeakyRelu itself is supported now).</summary>
    public static byte[] MatMulLeakyRelu()
    {
        var w = new byte[16];
        foreach (var (i, v) in new[] { (0, 1f), (1, 0f), (2, 0f), (3, 1f) }) BitConverter.TryWriteBytes(w.AsSpan(4 * i), v);
        byte[] tensor = Cat(Int(1, 2), Int(1, 2), Int(2, 1), Bytes(4, w), Str(8, "W"));
        byte[] graph = Cat(
            Bytes(1, Node("MatMul", "mm", ["x", "W"], "m")),
            Bytes(1, Node("Selu", "leaky", ["m"], "y")),
            Str(2, "g"),
            Bytes(5, tensor),
            Bytes(11, ValueInfo("x")),
            Bytes(12, ValueInfo("y")));
        return Cat(Int(1, 8), Bytes(7, graph), Bytes(8, Cat(Str(1, ""), Int(2, 13))));
    }

    /// <summary>
    /// x[N,2] → MatMul(W 2×2, identity) → Relu → y; with <paramref name="strayAttribute"/> the Relu carries an attribute
    /// 'alpha' that Relu does not have: ONNX Runtime refuses the graph, the importer does not read Relu's attributes.
    /// </summary>
    public static byte[] MatMulRelu(bool strayAttribute)
    {
        var w = new byte[16];
        foreach (var (i, v) in new[] { (0, 1f), (1, 0f), (2, 0f), (3, 1f) }) BitConverter.TryWriteBytes(w.AsSpan(4 * i), v);
        byte[] tensor = Cat(Int(1, 2), Int(1, 2), Int(2, 1), Bytes(4, w), Str(8, "W"));
        byte[] graph = Cat(
            Bytes(1, Node("MatMul", "mm", ["x", "W"], "m")),
            Bytes(1, strayAttribute ? Cat(Node("Relu", "relu", ["m"], "y"), Bytes(5, Cat(Str(1, "alpha"), Int(3, 1), Int(20, 2)))) : Node("Relu", "relu", ["m"], "y")),
            Str(2, "g"),
            Bytes(5, tensor),
            Bytes(11, ValueInfo("x")),
            Bytes(12, ValueInfo("y")));
        return Cat(Int(1, 8), Bytes(7, graph), Bytes(8, Cat(Str(1, ""), Int(2, 13))));
    }

    /// <summary>x[N,2] → MatMul(W 2×2) → Softmax → y: a final Softmax, which is not applied and not proven (the outputs are the logits).</summary>
    public static byte[] MatMulSoftmax()
    {
        var w = new byte[16];
        foreach (var (i, v) in new[] { (0, 1f), (1, -1f), (2, 2f), (3, 0.5f) }) BitConverter.TryWriteBytes(w.AsSpan(4 * i), v);
        byte[] tensor = Cat(Int(1, 2), Int(1, 2), Int(2, 1), Bytes(4, w), Str(8, "W"));
        byte[] graph = Cat(
            Bytes(1, Node("MatMul", "mm", ["x", "W"], "m")),
            Bytes(1, Node("Softmax", "softmax", ["m"], "y")),
            Str(2, "g"),
            Bytes(5, tensor),
            Bytes(11, ValueInfo("x")),
            Bytes(12, ValueInfo("y")));
        return Cat(Int(1, 8), Bytes(7, graph), Bytes(8, Cat(Str(1, ""), Int(2, 13))));
    }

    /// <summary>x[N,2] → MatMul(x, W) → Relu → y with W a graph input (declared [N, 2]), as the ONNX node tests write weights.</summary>
    public static byte[] MatMulWeightInput()
    {
        byte[] graph = Cat(
            Bytes(1, Node("MatMul", "mm", ["x", "W"], "m")),
            Bytes(1, Node("Relu", "relu", ["m"], "y")),
            Str(2, "g"),
            Bytes(11, ValueInfo("x")),
            Bytes(11, ValueInfo("W")),
            Bytes(12, ValueInfo("y")));
        return Cat(Int(1, 8), Bytes(7, graph), Bytes(8, Cat(Str(1, ""), Int(2, 13))));
    }

    private static byte[] Node(string op, string name, string[] inputs, string output) =>
        Cat([.. inputs.Select(i => Str(1, i)), Str(2, output), Str(3, name), Str(4, op)]);

    // ValueInfoProto { name, type: TypeProto { tensor_type { elem_type = FLOAT, shape [N, 2] } } }
    private static byte[] ValueInfo(string name)
    {
        byte[] shape = Cat(Bytes(1, Str(2, "N")), Bytes(1, Int(1, 2)));
        byte[] tensorType = Cat(Int(1, 1), Bytes(2, shape));
        return Cat(Str(1, name), Bytes(2, Bytes(1, tensorType)));
    }

    private static byte[] Int(int field, long value) => Cat(Varint((ulong)field << 3), Varint((ulong)value));

    private static byte[] Str(int field, string s) => Bytes(field, Encoding.UTF8.GetBytes(s));

    private static byte[] Bytes(int field, byte[] payload) => Cat(Varint(((ulong)field << 3) | 2), Varint((ulong)payload.Length), payload);

    private static byte[] Varint(ulong v)
    {
        var b = new List<byte>();
        while (v >= 0x80) { b.Add((byte)(v | 0x80)); v >>= 7; }
        b.Add((byte)v);
        return [.. b];
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
