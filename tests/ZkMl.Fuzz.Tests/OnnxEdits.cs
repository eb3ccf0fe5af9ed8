using CsCheck;
using Google.Protobuf;
using ZkMl.Compiler.Onnx.Proto;
using ZkMl.TestKit;

namespace ZkMl.Fuzz.Tests;

/// <summary>
/// Model-level ONNX mutations: the valid file is parsed into its <c>ModelProto</c>, one graph element is edited
/// (an initializer's dims, data type or data; a node's op type, inputs, attributes, order or presence; a graph
/// input's shape; the opset), and the model is serialized again, so the edit reaches the importer's checks
/// instead of the protobuf decoder.
/// </summary>
internal sealed record OnnxEdit(int Kind, int Target, long Value) : Mutation
{
    public const int Kinds = 14;

    private static readonly long[] DimValues = [0, -1, 1, 2, 3, 1 << 20, int.MaxValue, 1L << 31, 1L << 40, long.MaxValue, long.MinValue];
    private static readonly string[] OpTypes = ["Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Softmax", "Flatten", "Reshape", "Identity", "Constant", "Conv", "", "Sub", "PRelu"];

    public override byte[] Apply(byte[] b)
    {
        ModelProto m;
        try { m = ModelProto.Parser.ParseFrom(b); }
        catch (InvalidProtocolBufferException) { return b; }
        var g = m.Graph;
        if (g is null) return b;
        long v = DimValues[(int)((ulong)Value % (ulong)DimValues.Length)];
        int Pick(int count) => count == 0 ? -1 : (int)((uint)Target % (uint)count);
        switch (Kind)
        {
            case 0 when Pick(g.Initializer.Count) is int i and >= 0:
                {
                    var t = g.Initializer[i];
                    if (t.Dims.Count > 0) t.Dims[(int)((ulong)Value % (ulong)t.Dims.Count)] = v; else t.Dims.Add(v);
                    break;
                }
            case 1 when Pick(g.Initializer.Count) is int i and >= 0: g.Initializer[i].Dims.Add(v); break;
            case 2 when Pick(g.Initializer.Count) is int i and >= 0:
                {
                    var t = g.Initializer[i];
                    if (t.Dims.Count > 0) t.Dims.RemoveAt(t.Dims.Count - 1);
                    break;
                }
            case 3 when Pick(g.Initializer.Count) is int i and >= 0: g.Initializer[i].DataType = (int)(Value % 17); break;
            case 4 when Pick(g.Initializer.Count) is int i and >= 0:
                {
                    var t = g.Initializer[i];
                    if (t.FloatData.Count > 0) { int keep = (int)((ulong)Value % (ulong)t.FloatData.Count); while (t.FloatData.Count > keep) t.FloatData.RemoveAt(t.FloatData.Count - 1); }
                    else if (!t.RawData.IsEmpty) t.RawData = ByteString.CopyFrom(t.RawData.Span[..(int)((ulong)Value % (ulong)t.RawData.Length)]);
                    break;
                }
            case 5 when Pick(g.Initializer.Count) is int i and >= 0:
                {
                    // Data of the other encoding, or non-finite values.
                    var t = g.Initializer[i];
                    if (Value % 2 == 0) t.FloatData.Add([float.NaN, float.PositiveInfinity, float.MaxValue]);
                    else t.RawData = ByteString.CopyFrom(new byte[(int)((ulong)Value % 64)]);
                    break;
                }
            case 6 when Pick(g.Node.Count) is int i and >= 0: g.Node[i].OpType = OpTypes[(int)((ulong)Value % (ulong)OpTypes.Length)]; break;
            case 7 when Pick(g.Node.Count) is int i and >= 0:
                {
                    var n = g.Node[i];
                    if (n.Input.Count > 0 && Value % 2 == 0) n.Input.RemoveAt((int)((ulong)Value % (ulong)n.Input.Count));
                    else n.Input.Add(Value % 3 == 0 ? "" : "no_such_tensor");
                    break;
                }
            case 8 when Pick(g.Node.Count) is int i and >= 0:
                {
                    var n = g.Node[i];
                    string[] names = ["transA", "transB", "alpha", "beta", "axis", "perm", "allowzero", "value"];
                    var a = new AttributeProto { Name = names[(int)((ulong)Value % (ulong)names.Length)], Type = (AttributeProto.Types.AttributeType)(Value % 10) };
                    a.I = v; a.F = Value % 2 == 0 ? float.NaN : 1e30f; a.Ints.Add(v);
                    n.Attribute.Add(a);
                    break;
                }
            case 9 when g.Node.Count >= 2:
                {
                    int a = Pick(g.Node.Count), c = (int)((ulong)Value % (ulong)g.Node.Count);
                    (g.Node[a], g.Node[c]) = (g.Node[c].Clone(), g.Node[a].Clone());
                    break;
                }
            case 10 when Pick(g.Node.Count) is int i and >= 0:
                if (Value % 2 == 0) g.Node.RemoveAt(i); else g.Node.Insert(i, g.Node[i].Clone());
                break;
            case 11 when Pick(g.Input.Count) is int i and >= 0:
                {
                    var shape = g.Input[i].Type?.TensorType?.Shape;
                    if (shape is null) break;
                    if (shape.Dim.Count > 0 && Value % 3 != 0) shape.Dim[(int)((ulong)Value % (ulong)shape.Dim.Count)].DimValue = v;
                    else shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = v });
                    break;
                }
            case 12:
                if (Value % 2 == 0 && g.Output.Count > 0) g.Output.RemoveAt(0);
                else if (g.Input.Count > 0) g.Input.RemoveAt(0);
                break;
            case 13:
                if (m.OpsetImport.Count > 0) m.OpsetImport[0].Version = v; else m.OpsetImport.Add(new OperatorSetIdProto { Version = v });
                break;
            default:
                if (Pick(g.Initializer.Count) is int k and >= 0) g.Initializer.RemoveAt(k);
                break;
        }
        return m.ToByteArray();
    }

    /// <summary>One to three model-level edits.</summary>
    public static Gen<Mutation> Of() =>
        Gen.Select(Gen.Int[0, Kinds - 1], Gen.Int[0, 1000], Gen.Long[0, 1 << 20]).Select((k, t, val) => (Mutation)new OnnxEdit(k, t, val))
            .Array[1, 3].Select(a => a.Length == 1 ? a[0] : new Chain(a));
}
