using Google.Protobuf;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Onnx;

/// <summary>
/// Writes a <see cref="Network"/> as ONNX (IR 8, opset 13): per layer a Gemm with initializers
/// <c>layerN.weight</c> [in, out] and <c>layerN.bias</c> [out], then its activation node. The input
/// is <c>input</c>: float[batch_size, InputSize] with a symbolic batch; the output is <c>output</c>.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The opset the exporter declares.</summary>
    public const int Opset = 13;

    /// <summary>The ONNX model bytes.</summary>
    public static byte[] Export(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        foreach (var l in network.Layers)
            if (l.Activation.HasParameters())
                throw new ModelFormatException($"layer '{l.Name}': the ONNX exporter writes only relu, sigmoid and tanh, not {l.Activation.ToName()}");
        var g = new GraphProto { Name = network.Name ?? "zkml" };
        g.Input.Add(ValueInfo("input", network.InputSize));
        string flow = "input";
        for (int l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            string w = $"layer{l}.weight", b = $"layer{l}.bias", z = $"layer{l}.z";
            g.Initializer.Add(FloatTensor(w, [layer.InputSize, layer.OutputSize], layer.Weights));
            g.Initializer.Add(FloatTensor(b, [layer.OutputSize], layer.Bias));
            var gemm = new NodeProto { Name = $"layer{l}.gemm", OpType = "Gemm" };
            gemm.Input.Add(flow); gemm.Input.Add(w); gemm.Input.Add(b);
            gemm.Output.Add(z);
            g.Node.Add(gemm);
            flow = z;
            if (layer.Activation != Activation.None)
            {
                string op = layer.Activation switch { Activation.Relu => "Relu", Activation.Sigmoid => "Sigmoid", _ => "Tanh" };
                var a = new NodeProto { Name = $"layer{l}.{op.ToLowerInvariant()}", OpType = op };
                a.Input.Add(flow);
                a.Output.Add($"layer{l}.a");
                g.Node.Add(a);
                flow = $"layer{l}.a";
            }
        }
        // Rename the last tensor to "output" through an Identity so the graph output has a stable name.
        var id = new NodeProto { Name = "output.identity", OpType = "Identity" };
        id.Input.Add(flow); id.Output.Add("output");
        g.Node.Add(id);
        g.Output.Add(ValueInfo("output", network.OutputSize));
        var model = new ModelProto { IrVersion = 8, ProducerName = "zkml", ProducerVersion = "0.1.0", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    /// <summary>Writes the ONNX file atomically (temp file + rename).</summary>
    public static void Save(Network network, string path)
    {
        ZkMl.Algebra.IO.AtomicFile.WriteAllBytes(path, Export(network));
    }

    private static ValueInfoProto ValueInfo(string name, int features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch_size" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto FloatTensor(string name, long[] dims, ReadOnlySpan<float> data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        var raw = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), data[i]);
        t.RawData = ByteString.CopyFrom(raw);
        return t;
    }
}
