using Google.Protobuf;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Onnx;

/// <summary>
/// Writes a <see cref="Network"/> as ONNX (IR 8, opset 13): per dense layer a Gemm with initializers
/// <c>layerN.weight</c> [in, out] and <c>layerN.bias</c> [out], per conv layer a Conv with <c>layerN.weight</c>
/// [C_out, C_in, kH, kW] and <c>layerN.bias</c> [C_out], per pooling layer a MaxPool / AveragePool
/// (count_include_pad = 1), then its activation node; a Flatten before the first dense layer after a spatial
/// one. The input is <c>input</c>: float[batch_size, InputSize], or [batch_size, C, H, W] when the first layer is
/// a conv or pooling layer, with a symbolic batch; the output is <c>output</c>.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The opset the exporter declares.</summary>
    public const int Opset = 13;

    /// <summary>The ONNX model bytes.</summary>
    public static byte[] Export(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        foreach (var l in network.Stages)
            if (l.Activation.HasParameters())
                throw new ModelFormatException($"layer '{l.Name}': the ONNX exporter writes only relu, sigmoid and tanh, not {l.Activation.ToName()}");
        var g = new GraphProto { Name = network.Name ?? "zkml" };
        var first = network.Stages[0].Geometry;
        g.Input.Add(first is null ? ValueInfo("input", network.InputSize) : ValueInfo("input", first.InC, first.InH, first.InW));
        string flow = "input";
        bool spatial = first is not null;
        for (int l = 0; l < network.Stages.Count; l++)
        {
            var stage = network.Stages[l];
            string w = $"layer{l}.weight", b = $"layer{l}.bias", z = $"layer{l}.z";
            NodeProto node;
            switch (stage)
            {
                case DenseLayer layer:
                    if (spatial)
                    {
                        var fl = new NodeProto { Name = $"layer{l}.flatten", OpType = "Flatten" };
                        fl.Input.Add(flow); fl.Output.Add($"layer{l}.flat");
                        g.Node.Add(fl);
                        flow = $"layer{l}.flat";
                        spatial = false;
                    }
                    g.Initializer.Add(FloatTensor(w, [layer.InputSize, layer.OutputSize], layer.Weights));
                    g.Initializer.Add(FloatTensor(b, [layer.OutputSize], layer.Bias));
                    node = new NodeProto { Name = $"layer{l}.gemm", OpType = "Gemm" };
                    node.Input.Add(flow); node.Input.Add(w); node.Input.Add(b);
                    break;
                case ConvLayer conv:
                {
                    if (!spatial) throw new ModelFormatException($"layer '{conv.Name}': a conv layer after a dense layer is not exported (no Reshape is written)");
                    var geo = conv.Geometry;
                    g.Initializer.Add(FloatTensor(w, [geo.OutC, geo.InC, geo.KH, geo.KW], conv.Kernel));
                    g.Initializer.Add(FloatTensor(b, [geo.OutC], conv.Bias));
                    node = new NodeProto { Name = $"layer{l}.conv", OpType = "Conv" };
                    node.Input.Add(flow); node.Input.Add(w); node.Input.Add(b);
                    Window(node, geo, withKernelShape: true);
                    break;
                }
                case PoolLayer pool:
                {
                    if (!spatial) throw new ModelFormatException($"layer '{pool.Name}': a pooling layer after a dense layer is not exported (no Reshape is written)");
                    bool max = pool.Kind == LayerKind.MaxPool;
                    node = new NodeProto { Name = $"layer{l}.{(max ? "maxpool" : "avgpool")}", OpType = max ? "MaxPool" : "AveragePool" };
                    node.Input.Add(flow);
                    Window(node, pool.Geometry, withKernelShape: true);
                    if (!max) node.Attribute.Add(new AttributeProto { Name = "count_include_pad", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                    break;
                }
                default: throw new ModelFormatException($"layer {l}: unknown layer type {stage.GetType().Name}");
            }
            node.Output.Add(z);
            g.Node.Add(node);
            flow = z;
            if (stage.Activation != Activation.None)
            {
                string op = stage.Activation switch { Activation.Relu => "Relu", Activation.Sigmoid => "Sigmoid", _ => "Tanh" };
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
        var last = network.Stages[^1].Geometry;
        g.Output.Add(spatial && last is not null ? ValueInfo("output", last.OutC, last.OutH, last.OutW) : ValueInfo("output", network.OutputSize));
        var model = new ModelProto { IrVersion = 8, ProducerName = "zkml", ProducerVersion = "0.1.0", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    /// <summary>Writes the ONNX file atomically (temp file + rename).</summary>
    public static void Save(Network network, string path)
    {
        ZkMl.Algebra.IO.AtomicFile.WriteAllBytes(path, Export(network));
    }

    private static void Window(NodeProto node, Conv2dGeometry geo, bool withKernelShape)
    {
        void Ints(string name, params long[] v)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.AddRange(v);
            node.Attribute.Add(a);
        }
        if (withKernelShape) Ints("kernel_shape", geo.KH, geo.KW);
        Ints("strides", geo.StrideH, geo.StrideW);
        Ints("pads", geo.PadTop, geo.PadLeft, geo.PadBottom, geo.PadRight);
    }

    private static ValueInfoProto ValueInfo(string name, params int[] perSample)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch_size" });
        foreach (int d in perSample) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
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
