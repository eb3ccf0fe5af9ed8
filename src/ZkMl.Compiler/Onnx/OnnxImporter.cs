using Google.Protobuf;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Onnx;

/// <summary>
/// Imports an ONNX model (opsets 7–25) that is a chain of dense layers: Gemm, MatMul + Add,
/// Relu / Sigmoid / Tanh, the shape no-ops Flatten / Reshape / Identity, Constant and initializers,
/// symbolic batch dimensions; a trailing Softmax is dropped with a warning. 2-D Conv and pooling layers over
/// NCHW are imported too (OnnxImporter.Spatial.cs).
/// </summary>
public static partial class OnnxImporter
{
    /// <summary>Lowest supported default-domain opset.</summary>
    public const int MinOpset = 7;

    /// <summary>Highest supported default-domain opset.</summary>
    public const int MaxOpset = 25;

    /// <summary>How the compiler treats an ONNX op.</summary>
    public enum OpStatus
    {
        /// <summary>Proven: a dense layer (matmul sumcheck) or an activation lookup table.</summary>
        Proven,
        /// <summary>Folded into a dense layer's weights and bias (exact affine algebra before quantization).</summary>
        Folded,
        /// <summary>A no-op: only the view or the element type's name changes.</summary>
        NoOp,
        /// <summary>Accepted but not proven (a final Softmax: the outputs are the logits).</summary>
        NotProven,
    }

    /// <summary>One row of the importer's op table (docs/supported-ops.md is generated from it).</summary>
    public sealed record OpInfo(string Op, OpStatus Status, string Accepts);

    /// <summary>Every ONNX op the importer accepts, with what it accepts; anything else is refused naming the node.</summary>
    public static IReadOnlyList<OpInfo> Ops { get; } =
    [
        new("Gemm", OpStatus.Proven, "a dense layer: B and C constant; alpha, beta, transB; transA = 0; C a vector [out], a row [1, out] or a scalar"),
        new("MatMul", OpStatus.Proven, "a dense layer: the second input a constant 2-D weight [in, out]"),
        new("Relu", OpStatus.Proven, "lookup table (clamp), after a dense layer or first (an identity dense layer is inserted); a final one is proven"),
        new("Sigmoid", OpStatus.Proven, "lookup table; hidden or final"),
        new("Tanh", OpStatus.Proven, "lookup table; hidden or final"),
        new("LeakyRelu", OpStatus.Proven, "lookup table; alpha (default 0.01)"),
        new("PRelu", OpStatus.Proven, "the slope a constant that broadcasts to the input. One value: a LeakyRelu table. Per-channel slopes that differ: relu(z) − s·relu(−z) over a doubled layer (see below); refused before a MaxPool, and before a Conv when the slopes vary within a channel"),
        new("HardSigmoid", OpStatus.Proven, "lookup table; alpha (0.2), beta (0.5)"),
        new("Elu", OpStatus.Proven, "lookup table; alpha (1.0)"),
        new("Gelu", OpStatus.Proven, "lookup table; approximate = none or tanh (opset 20+)"),
        new("Add", OpStatus.Folded, "with a constant (a scalar, one value per feature, or any shape that broadcasts to the sample's): the bias of the dense layer before it, or x + c folded into the next dense layer"),
        new("Sub", OpStatus.Folded, "with a constant, either order (x − c, c − x); folded like Add"),
        new("Mul", OpStatus.Folded, "by a constant (scalar or per feature); folded into the adjacent dense layer"),
        new("Div", OpStatus.Folded, "x / constant (non-zero); folded like Mul (constant / x is refused: not affine)"),
        new("BatchNormalization", OpStatus.Folded, "inference form over [batch, features], or over [batch, C, H, W] per channel into the Conv before it: scale, B, mean, var constants; epsilon; training_mode = 0"),
        new("Constant", OpStatus.Folded, "value, value_float(s), value_int(s); anywhere in the node list (nodes are sorted topologically)"),
        new("Shape", OpStatus.Folded, "of the activations (start/end attributes too): an int64 constant whose batch entry stays symbolic, for Reshape targets such as torch's x.view(x.size(0), -1)"),
        new("Gather", OpStatus.Folded, "on int64 constants (a shape): axis 0 of a 1-D tensor"),
        new("Concat", OpStatus.Folded, "on int64 constants (a shape): 1-D tensors along axis 0"),
        new("ConstantOfShape", OpStatus.Folded, "a constant int64 shape; value a one-element float/double/int tensor (default 0.0): a constant like an initializer"),
        new("Flatten", OpStatus.NoOp, "axis = 1"),
        new("Reshape", OpStatus.NoOp, "a constant shape that keeps [batch, features…] (0 and −1 resolved; allowzero); as the last op also [-1, k] across the batch (k dividing the features: the same values in the same order)"),
        new("Squeeze", OpStatus.NoOp, "per-sample axes of size 1 (attribute or constant input), never axis 0"),
        new("Unsqueeze", OpStatus.NoOp, "per-sample axes (attribute or constant input), never axis 0"),
        new("Identity", OpStatus.NoOp, "on the activations, or on a constant (folds)"),
        new("Dropout", OpStatus.NoOp, "inference form; the mask output unused"),
        new("Cast", OpStatus.NoOp, "to = FLOAT only"),
        new("Conv", OpStatus.Proven, "2-D over [batch, C, H, W]: weight [C_out, C_in, kH, kW] and bias [C_out] constant; strides, pads, auto_pad; dilations 1, group 1; requantized with an activation table like a dense layer (its kernel is stored, never an im2col matrix)"),
        new("MaxPool", OpStatus.Proven, "2-D: kernel_shape, strides, pads, auto_pad; dilations 1, ceil_mode 0, the Indices output unused; a non-decreasing activation after it moves before it"),
        new("AveragePool", OpStatus.Proven, "2-D: kernel_shape, strides, pads (with count_include_pad = 1), auto_pad; ceil_mode 0; the window sum requantized (an activation after it is its table)"),
        new("GlobalAveragePool", OpStatus.Proven, "an average pool over the whole image: [batch, C, H, W] → [batch, C, 1, 1]"),
        new("Softmax", OpStatus.NotProven, "last op only, over all of a sample's values (axis: the coerced 2-D axis 1 before opset 13, the one axis of the sample from 13): not applied and not proven, the public outputs are the logits before it (argmax is the same)"),
    ];

    /// <summary>The accepted ops, for messages.</summary>
    public static string SupportedOps { get; } = string.Join(", ", Ops.Select(o => o.Op)) + " (docs/supported-ops.md)";

    /// <summary>docs/supported-ops.md: the op table as Markdown (a test keeps the file equal to this).</summary>
    public static string SupportedOpsMarkdown()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("# Supported ONNX operators\n\n");
        sb.Append("Generated from `OnnxImporter.Ops` (src/ZkMl.Compiler/Onnx/OnnxImporter.cs); `SupportedOpsDocTests` fails when this\n");
        sb.Append("file drifts from the table (regenerate with `ZKML_UPDATE_DOCS=1 dotnet test tests/ZkMl.Compiler.Tests --filter SupportedOpsDoc`).\n\n");
        sb.Append($"Default (ai.onnx) domain, opsets {MinOpset}–{MaxOpset}. A model is a chain: one float input [batch, features…], one output;\n");
        sb.Append("weights are initializers or Constant nodes. **Proven**: part of the proof; **folded**: merged exactly into a dense\n");
        sb.Append("layer's float weights before quantization; **no-op**: a view change; **not proven**: accepted, outside the proof.\n");
        sb.Append("Conv and pooling layers are proven and verified in C# (docs/protocol.md \"Conv and pooling layers\"; the output layer must be\n");
        sb.Append("dense, a max pool has at most 6 window entries); the Solidity verifier does not support them yet.\n\n");
        sb.Append("| op | status | accepts |\n|---|---|---|\n");
        foreach (var o in Ops)
        {
            string status = o.Status switch { OpStatus.Proven => "proven", OpStatus.Folded => "folded", OpStatus.NoOp => "no-op", _ => "not proven" };
            sb.Append($"| {o.Op} | {status} | {o.Accepts} |\n");
        }
        sb.Append("\nRefused, each with an error naming the node and its op type: every other op (attention, Conv3D/1-D, …),\n");
        sb.Append("branches other than element-wise ones (residual adds), a MaxPool after a per-channel PRelu, and weights given as\n");
        sb.Append("graph inputs unless bound with `zkml compile --weights FILE` (see below). An activation\n");
        sb.Append($"first, or a graph without Gemm/MatMul, gets an identity dense layer (W = I, at most {MaxIdentityWidth} features).\n");
        sb.Append(PReluDoc);
        sb.Append(ScalarRegionDoc);
        return sb.ToString();
    }

    /// <summary>Largest width of an inserted identity dense layer (its n×n weights go into the model vector).</summary>
    public const int MaxIdentityWidth = 1024;

    /// <summary>Loads and imports an .onnx file.</summary>
    /// <exception cref="ModelFormatException">Unreadable, malformed or truncated file; unsupported op (names the node and op type); not a chain of dense layers.</exception>
    public static Network Load(string path) => Load(path, null);

    /// <summary>
    /// Loads an .onnx file whose weights are (partly) graph inputs, binding <paramref name="weights"/> to those
    /// inputs as constants (<c>zkml compile --weights</c>); the one input left is the samples.
    /// </summary>
    /// <exception cref="ModelFormatException">See <see cref="Load(string)"/>; a weight that names no graph input, or whose shape or type disagrees with the input's declaration.</exception>
    public static Network Load(string path, IReadOnlyList<OnnxTensorValue>? weights)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
        return Import(bytes, path, weights);
    }

    /// <summary>Imports ONNX bytes; <paramref name="source"/> names them in messages; <paramref name="weights"/> as in <see cref="Load(string, IReadOnlyList{OnnxTensorValue})"/>.</summary>
    /// <exception cref="ModelFormatException">See <see cref="Load(string)"/>.</exception>
    public static Network Import(ReadOnlySpan<byte> bytes, string source = "model.onnx", IReadOnlyList<OnnxTensorValue>? weights = null)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        // Google.Protobuf 3.25 throws IndexOutOfRangeException for some corrupt nested lengths (found by fuzzing).
        catch (Exception e) when (e is InvalidProtocolBufferException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        { throw new ModelFormatException($"{source}: not a valid ONNX file (truncated or corrupt protobuf: {e.Message})", e); }
        try
        {
            return new Importer(model, source, weights).Run();
        }
        catch (ModelFormatException) { throw; }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidOperationException or IndexOutOfRangeException or InvalidProtocolBufferException)
        {
            throw new ModelFormatException($"{source}: malformed ONNX model ({e.Message})", e);
        }
    }

    private sealed class Tensor(long[] dims, float[]? floats, long[]? ints)
    {
        public long[] Dims = dims;
        public float[]? Floats = floats;
        public long[]? Ints = ints;
        public long Count => Dims.Aggregate(1L, (a, b) => a * b);
    }

    private sealed partial class Importer(ModelProto model, string source, IReadOnlyList<OnnxTensorValue>? weights)
    {
        private readonly Dictionary<string, Tensor> consts = new(StringComparer.Ordinal);
        private readonly List<string> warnings = [];
        private readonly List<(int In, int Out, float[] W, float[] B, Activation Act, string Name, bool HasBias, NetworkLayer? Spatial)> layers = [];

        private ModelFormatException Err(string msg) => new($"{source}: {msg}");

        /// <summary>The constant a node reads as input <paramref name="k"/>; an empty name (an omitted optional input) or a
        /// non-constant is a format error naming the node.</summary>
        private Tensor Const(NodeProto n, int k, string who) =>
            k < n.Input.Count && consts.TryGetValue(n.Input[k], out var t) ? t
                : throw Err($"{who}: input {k} {(k < n.Input.Count && n.Input[k].Length > 0 ? $"'{n.Input[k]}' is not a constant" : "is empty")}; a constant (initializer or Constant) is required");
        private static string Who(NodeProto n, int index) => $"node '{(n.Name.Length > 0 ? n.Name : "#" + index)}' ({n.OpType})";

        public Network Run()
        {
            var g = model.Graph ?? throw Err("no graph (empty or not an ONNX model)");
            long opset = -1;
            foreach (var o in model.OpsetImport)
                if (o.Domain is "" or "ai.onnx") opset = o.Version;
            if (opset < 0) throw Err("no default-domain (ai.onnx) opset_import; not an ONNX model?");
            if (opset is < MinOpset or > MaxOpset) throw Err($"opset {opset} is not supported (supported: ai.onnx {MinOpset}–{MaxOpset})");

            foreach (var t in g.Initializer) consts[t.Name] = ReadTensor(t, $"initializer '{t.Name}'");
            BindWeights(g);
            var inputs = g.Input.Where(i => !consts.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1)
                throw Err($"expected exactly one graph input (the samples), found {inputs.Count}{(inputs.Count > 1 ? ": " + string.Join(", ", inputs.Select(i => "'" + i.Name + "'")) + " (weights must be initializers or Constants, not inputs; or bind all but the samples with --weights FILE)" : "")}");
            var input = inputs[0];
            var tt = input.Type?.TensorType ?? throw Err($"graph input '{input.Name}' is not a tensor");
            if (tt.ElemType != (int)TensorProto.Types.DataType.Float)
                throw Err($"graph input '{input.Name}' has element type {(TensorProto.Types.DataType)tt.ElemType}, expected float");
            var dims = tt.Shape?.Dim ?? throw Err($"graph input '{input.Name}' has no shape");
            if (dims.Count == 0) throw Err($"graph input '{input.Name}' is a scalar, expected [batch, features…]");
            // Features: every dim after the first (the batch, symbolic or not) must be known.
            long features = 1;
            for (int d = dims.Count == 1 ? 0 : 1; d < dims.Count; d++)
            {
                if (dims[d].ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || dims[d].DimValue <= 0)
                    throw Err($"graph input '{input.Name}' dimension {d} is '{dims[d].DimParam}', expected a fixed size (only the batch dimension may be symbolic)");
                features = checked(features * dims[d].DimValue);
            }
            if (features > int.MaxValue) throw Err($"graph input '{input.Name}' has too many features");

            string flow = input.Name;          // the tensor carrying the activations
            var flowShape = dims.Count == 1 ? new long[] { features } : dims.Skip(1).Select(d => d.DimValue).ToArray(); // per-sample shape
            bool lastIsDense = false;          // the flow is a dense layer's output with no activation yet
            bool sawSoftmax = false;
            // Nodes in an order where every input is produced before its use (a Constant may be listed
            // after the node that reads it); the original index names unnamed nodes.
            var order = TopologicalOrder(g, input.Name);
            foreach (int ni in order)
            {
                var n = g.Node[ni];
                string who = Who(n, ni);
                if (n.Domain is not ("" or "ai.onnx"))
                    throw Err($"{who}: domain '{n.Domain}' is not supported (only the default ai.onnx domain); supported ops: {SupportedOps}");
                if (n.OpType == "Constant")
                {
                    if (n.Output.Count != 1) throw Err($"{who}: expected one output");
                    consts[n.Output[0]] = ConstantValue(n, who);
                    continue;
                }
                if (sawSoftmax) throw Err($"{who}: follows a Softmax; only a final Softmax is supported (it is dropped)");
                if (regionNodes.Contains(ni)) continue;
                if (FoldShapeOp(n, who, flow, flowShape)) continue;
                if (n.Input.Contains(flow) && FlowBranches(g, flow))
                {
                    // x·x, x·sigmoid(x), the tanh form of Gelu, …: a subgraph that is a function of one value per element.
                    var region = ScalarRegion(g, order, Array.IndexOf(order, ni), flow, who);
                    regionNodes.UnionWith(region.Nodes);
                    if (region.Act == Activation.None)
                        ApplyAffine(Enumerable.Repeat(region.Alpha, (int)Features(flowShape)).ToArray(), Enumerable.Repeat(region.Beta, (int)Features(flowShape)).ToArray(), lastIsDense);
                    else
                    {
                        if (mirror != null || !lastIsDense || layers.Count == 0 || layers[^1].Act != Activation.None)
                        {
                            AddIdentityLayer(who, flowShape);
                            flowShape = [layers[^1].Out];
                        }
                        actParams[layers.Count - 1] = (region.Alpha, region.Beta);
                        layers[^1] = layers[^1] with { Act = region.Act };
                        lastIsDense = false;
                    }
                    flow = region.Exit;
                    continue;
                }
                // Nodes on constants only (e.g. Identity of an initializer) fold.
                if (n.Input.Count > 0 && n.Input.All(i => i.Length == 0 || consts.ContainsKey(i)) && n.OpType is "Identity" && n.Output.Count == 1)
                {
                    consts[n.Output[0]] = Const(n, 0, who);
                    continue;
                }
                if (n.OpType == "ConstantOfShape")
                {
                    consts[n.Output.Count == 1 ? n.Output[0] : throw Err($"{who}: expected one output")] = ConstantOfShape(n, who);
                    continue;
                }
                bool flowSecond = false;
                if (n.OpType is "Add" or "Sub" or "Mul" or "Div" && n.Input.Count == 2 && n.Input[1] == flow && n.Input[0] != flow)
                {
                    // The activation first; Sub and Div remember the order.
                    n = n.Clone();
                    (n.Input[0], n.Input[1]) = (n.Input[1], n.Input[0]);
                    flowSecond = true;
                }
                if (n.Input.Count == 0 || n.Input[0] != flow)
                {
                    string reads = n.Input.Count == 0 ? "no input" : $"'{n.Input[0]}'";
                    if (!IsSupported(n.OpType))
                        throw Err($"{who}: unsupported op type '{n.OpType}'; supported: {SupportedOps}");
                    throw Err($"{who}: graph is not a chain of dense layers: its first input is {reads}, expected '{flow}' (the output of the previous layer)");
                }
                for (int k = 1; k < n.Input.Count; k++)
                    if (n.Input[k].Length > 0 && !consts.ContainsKey(n.Input[k]))
                    {
                        if (!IsSupported(n.OpType)) throw Err($"{who}: unsupported op type '{n.OpType}'; supported: {SupportedOps}");
                        throw Err($"{who}: input '{n.Input[k]}' must be a constant (initializer or Constant); weights given as graph inputs or computed tensors are not supported");
                    }
                if (n.Output.Count < 1) throw Err($"{who}: has no output");
                switch (n.OpType)
                {
                    case "Identity":
                    case "Dropout": // inference: the identity (a second output, the mask, must be unused)
                        if (n.OpType == "Dropout" && n.Output.Count > 1 && n.Output[1].Length > 0 && IsUsed(g, n.Output[1]))
                            throw Err($"{who}: the Dropout mask output '{n.Output[1]}' is used; only the inference form (identity) is supported");
                        break;
                    case "Cast":
                    {
                        long to = IntAttr(n, "to", 0);
                        if (to != (long)TensorProto.Types.DataType.Float)
                            throw Err($"{who}: Cast to {(TensorProto.Types.DataType)to} is not supported; only a float→float Cast (a no-op) is");
                        break;
                    }
                    case "Flatten":
                    {
                        long axis = IntAttr(n, "axis", 1);
                        int rank = flowShape.Length + 1;
                        if (axis < 0) axis += rank;
                        if (axis != 1) throw Err($"{who}: axis {IntAttr(n, "axis", 1)} would mix the batch dimension; only axis 1 is supported");
                        flowShape = [flowShape.Aggregate(1L, (a, b) => a * b)];
                        break;
                    }
                    case "Reshape":
                        flowShape = Reshape(n, who, flowShape, g.Output.Count == 1 && g.Output[0].Name == n.Output[0]);
                        break;
                    case "Squeeze":
                    case "Unsqueeze":
                        flowShape = SqueezeOrUnsqueeze(n, who, flowShape);
                        break;
                    case "BatchNormalization" when flowShape.Length == 3:
                        SpatialBatchNorm(n, who, flowShape, lastIsDense);
                        break;
                    case "Sub":
                    case "Mul":
                    case "Div":
                    case "BatchNormalization":
                    {
                        var (a, c) = n.OpType == "BatchNormalization" ? BatchNorm(n, who, flowShape) : Elementwise(n, who, flowShape, flowSecond);
                        ApplyAffine(a, c, lastIsDense);
                        break;
                    }
                    case "Gemm":
                        Gemm(n, who, flowShape);
                        FoldPendingIntoLast();
                        ReadMirroredInput();
                        flowShape = [layers[^1].Out];
                        lastIsDense = true;
                        break;
                    case "MatMul":
                        MatMul(n, who, flowShape);
                        FoldPendingIntoLast();
                        ReadMirroredInput();
                        flowShape = [layers[^1].Out];
                        lastIsDense = true;
                        break;
                    case "Add":
                    {
                        // the bias right after a dense layer, or x + c folded into the next dense layer
                        var (a, c) = Elementwise(n, who, flowShape, flowSecond);
                        ApplyAffine(a, c, lastIsDense);
                        break;
                    }
                    case "Relu":
                    case "Sigmoid":
                    case "Tanh":
                    case "LeakyRelu":
                    case "PRelu":
                    case "HardSigmoid":
                    case "Elu":
                    case "Gelu":
                    {
                        if (n.OpType == "PRelu" && PerChannelSlopes(n, who, flowShape) is { } slopes)
                        {
                            flowShape = PerChannelPRelu(who, flowShape, slopes, lastIsDense);
                            lastIsDense = false;
                            break;
                        }
                        var (pa, pb) = ActivationParameters(n, who);
                        if (CommuteThroughMaxPool(n, pa, pb)) break; // act(maxpool(x)) = maxpool(act(x)) for a non-decreasing act
                        // An activation with no dense layer right before it (the first op, or a second activation)
                        // gets an identity dense layer: W = I, b = 0 (exact in integers; one n×n layer).
                        if (mirror != null || !lastIsDense || layers.Count == 0 || layers[^1].Act != Activation.None)
                        {
                            AddIdentityLayer(who, flowShape);
                            flowShape = [layers[^1].Out];
                        }
                        var act = n.OpType switch
                        {
                            "Relu" => Activation.Relu, "Sigmoid" => Activation.Sigmoid, "Tanh" => Activation.Tanh,
                            "LeakyRelu" or "PRelu" => Activation.LeakyRelu, "HardSigmoid" => Activation.HardSigmoid, "Elu" => Activation.Elu, _ => Activation.Gelu,
                        };
                        actParams[layers.Count - 1] = (pa, pb);
                        layers[^1] = layers[^1] with { Act = act };
                        lastIsDense = false;
                        break;
                    }
                    case "Conv":
                    case "MaxPool":
                    case "AveragePool":
                    case "GlobalAveragePool":
                        flowShape = SpatialLayer(n, who, flowShape, g);
                        lastIsDense = n.OpType != "MaxPool" && mirror == null; // pooled PRelu halves wait for a linear layer
                        break;
                    case "Softmax":
                    {
                        // Only a Softmax over all of a sample's values has the logits' argmax (opset < 13 coerces
                        // to 2-D at the axis; 13+ normalises the one axis).
                        long rank = flowShape.Length + 1, axis = IntAttr(n, "axis", opset >= 13 ? -1 : 1);
                        if (axis < 0) axis += rank;
                        long group = axis < 1 || axis >= rank ? 0 : opset >= 13 ? flowShape[axis - 1] : Features(flowShape[(int)(axis - 1)..]);
                        if (group != Features(flowShape))
                            throw Err($"{who}: Softmax over axis {IntAttr(n, "axis", opset >= 13 ? -1 : 1)} of [batch, {string.Join(", ", flowShape)}] (opset {opset}) normalises {(axis < 1 ? "across the batch" : $"groups of {group} values within a sample")}; only a Softmax over all of a sample's values is supported (its outputs are then the logits, argmax unchanged)");
                        sawSoftmax = true;
                        warnings.Add($"{who}: the final Softmax is dropped (argmax unchanged); outputs are the logits before it");
                        break;
                    }
                    default:
                        throw Err($"{who}: unsupported op type '{n.OpType}'; supported: {SupportedOps}");
                }
                if (n.OpType == "Softmax") softmaxOutput = n.Output[0];
                else flow = n.Output[0];
            }
            if (g.Output.Count != 1) throw Err($"expected exactly one graph output, found {g.Output.Count}");
            string outName = g.Output[0].Name;
            if (outName != flow && !(sawSoftmax && outName == softmaxOutput))
                throw Err($"graph output '{outName}' is not the end of the dense chain ('{flow}')");
            if (layers.Count == 0 || pendA != null || mirror != null)
                AddIdentityLayer(layers.Count == 0 ? "the graph (no Gemm or MatMul)" : mirror != null ? $"the per-channel PRelu {mirrorWho} at the end" : "the elementwise ops after the last dense layer", flowShape);
            if (flowShape.Aggregate(1L, (a, b) => a * b) != layers[^1].Out) throw Err("internal: output shape mismatch");
            List<DenseLayer> dl;
            string? name = g.Name.Length > 0 ? g.Name : null;
            if (layers.Any(l => l.Spatial != null)) return SpatialNetwork(name, sawSoftmax);
            try { dl = layers.Select((l, i) => new DenseLayer(l.In, l.Out, l.W, l.B, l.Act, l.Name, actParams.GetValueOrDefault(i).Alpha, actParams.GetValueOrDefault(i).Beta)).ToList(); }
            catch (ModelFormatException e) { throw new ModelFormatException($"{source}: {e.Message}", e); }
            return new Network(dl, name, warnings, sawSoftmax);
        }

        private string? softmaxOutput;

        /// <summary>Binds the --weights tensors to graph inputs of the same name as constants, checking the declared type and fixed dims.</summary>
        private void BindWeights(GraphProto g)
        {
            if (weights == null) return;
            foreach (var w in weights)
            {
                var decl = g.Input.FirstOrDefault(i => i.Name == w.Name);
                if (decl == null)
                    throw Err($"--weights: '{w.Name}' is not a graph input (inputs: {string.Join(", ", g.Input.Where(i => !consts.ContainsKey(i.Name)).Select(i => "'" + i.Name + "'"))})");
                if (consts.ContainsKey(w.Name)) throw Err($"--weights: '{w.Name}' is bound twice (or is also an initializer)");
                var tt = decl.Type?.TensorType;
                var et = tt == null ? TensorProto.Types.DataType.Undefined : (TensorProto.Types.DataType)tt.ElemType;
                if (et is TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32 && w.Ints == null)
                    throw Err($"--weights: '{w.Name}' is declared {et}, the values given are not all integers");
                if (et is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32))
                    throw Err($"--weights: graph input '{w.Name}' has element type {et}; float, double, int32 or int64 can be bound");
                if (tt?.Shape is { } shape)
                {
                    bool ok = shape.Dim.Count == w.Dims.Length;
                    for (int d = 0; ok && d < w.Dims.Length; d++)
                        if (shape.Dim[d].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && shape.Dim[d].DimValue != w.Dims[d]) ok = false;
                    if (!ok)
                        throw Err($"--weights: '{w.Name}' has shape [{string.Join(", ", w.Dims)}], the graph input is declared [{string.Join(", ", shape.Dim.Select(x => x.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? x.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : x.DimParam))}]");
                }
                consts[w.Name] = new Tensor(w.Dims, w.Floats, et is TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32 ? w.Ints : null);
            }
            if (weights.Count > 0) warnings.Add($"--weights: graph input{(weights.Count > 1 ? "s" : "")} {string.Join(", ", weights.Select(w => "'" + w.Name + "'"))} bound as constants");
        }


        /// <summary>Appends an identity dense layer (W = I, b = 0) over the current features.</summary>
        private void AddIdentityLayer(string who, long[] flowShape)
        {
            long f = Features(flowShape);
            if (flowShape.Length != 1 && f > 0)
                warnings.Add($"{who}: the per-sample shape [{string.Join(", ", flowShape)}] is flattened to {f} features");
            if (f > MaxIdentityWidth)
                throw Err($"{who}: needs an identity dense layer over {f} features (no Gemm/MatMul before this point), more than {MaxIdentityWidth}; ZkMl proves chains of dense layers");
            int n = (int)f;
            var w = new float[(long)n * n];
            for (int i = 0; i < n; i++) w[(long)i * n + i] = 1f;
            layers.Add((n, n, w, new float[n], Activation.None, $"identity#{layers.Count}", false, null));
            FoldPendingIntoLast(); // a pending x·a + c becomes W = diag(a), b = c
            bool recombines = mirror != null;
            ReadMirroredInput(); // a pending per-channel PRelu: W = [I; −diag(s)] over its doubled outputs
            warnings.Add(recombines
                ? $"{who}: an identity-like dense layer ({2 * n}×{n}, [I; −diag(s)]) is inserted to recombine the per-channel PRelu's doubled outputs so they can be proven"
                : $"{who}: an identity dense layer ({n}×{n}) is inserted so the activation or output can be proven");
        }

        // α, β of a parameterized activation per layer index.
        private readonly Dictionary<int, (float Alpha, float Beta)> actParams = [];

        /// <summary>α, β of LeakyRelu / PRelu (one slope) / HardSigmoid / Elu / Gelu (β = 1: tanh approximation); (0, 0) for the others.</summary>
        private (float Alpha, float Beta) ActivationParameters(NodeProto n, string who)
        {
            switch (n.OpType)
            {
                case "LeakyRelu": return (FloatAttr(n, "alpha", 0.01f), 0);
                case "HardSigmoid": return (FloatAttr(n, "alpha", 0.2f), FloatAttr(n, "beta", 0.5f));
                case "Elu": return (FloatAttr(n, "alpha", 1f), 0);
                case "Gelu":
                {
                    string approx = "none";
                    foreach (var a in n.Attribute) if (a.Name == "approximate") approx = a.S.ToStringUtf8();
                    if (approx is not ("none" or "tanh")) throw Err($"{who}: approximate = '{approx}' (expected none or tanh)");
                    return (0, approx == "tanh" ? 1 : 0);
                }
                case "PRelu":
                {
                    if (n.Input.Count != 2) throw Err($"{who}: needs inputs X, slope");
                    var slope = Const(n, 1, who).Floats ?? throw Err($"{who}: slope '{n.Input[1]}' must be a float tensor");
                    if (slope.Length == 0) throw Err($"{who}: empty slope");
                    if (slope.Any(v => v != slope[0])) throw Err($"internal: {who}: per-channel slopes reached the one-slope table");
                    return (slope[0], 0);
                }
                default: return (0, 0);
            }
        }

        // A per-feature affine map x ↦ a ⊙ x + c on the flow that is not yet folded into a dense layer
        // (input normalisation, or elementwise ops after an activation): the next dense layer absorbs it.
        private float[]? pendA, pendC;

        /// <summary>Folds y = a ⊙ flow + c: into the last dense layer's columns when it has no activation yet, else into the next dense layer's rows.</summary>
        private void ApplyAffine(float[] a, float[] c, bool lastIsDense)
        {
            if (lastIsDense && layers.Count > 0 && layers[^1].Act == Activation.None && pendA == null && layers[^1].Spatial != null)
            {
                FoldIntoSpatial(a, c);
                return;
            }
            if (lastIsDense && layers.Count > 0 && layers[^1].Act == Activation.None && pendA == null)
            {
                var l = layers[^1];
                var w = l.W.ToArray();
                var b = l.B.ToArray();
                for (int i = 0; i < l.In; i++)
                    for (int j = 0; j < l.Out; j++) w[(long)i * l.Out + j] *= a[j];
                for (int j = 0; j < l.Out; j++) b[j] = a[j] * b[j] + c[j];
                layers[^1] = l with { W = w, B = b, HasBias = true };
                return;
            }
            if (pendA == null) { pendA = a; pendC = c; return; }
            for (int i = 0; i < a.Length; i++) { pendC![i] = a[i] * pendC[i] + c[i]; pendA[i] *= a[i]; }
        }

        /// <summary>The last (new) dense layer absorbs the pending affine map of its input: W' = diag(a)·W, b' = b + c·W.</summary>
        private void FoldPendingIntoLast()
        {
            if (pendA == null) return;
            var l = layers[^1];
            if (pendA.Length != l.In) throw Err($"internal: pending elementwise map of {pendA.Length} features before a layer of {l.In} inputs");
            var w = l.W.ToArray();
            var b = l.B.ToArray();
            for (int i = 0; i < l.In; i++)
                for (int j = 0; j < l.Out; j++)
                {
                    float wij = l.W[(long)i * l.Out + j];
                    b[j] += pendC![i] * wij;
                    w[(long)i * l.Out + j] = pendA[i] * wij;
                }
            layers[^1] = l with { W = w, B = b, HasBias = l.HasBias || pendC!.Any(v => v != 0) };
            pendA = pendC = null;
        }

        /// <summary>Add / Sub / Mul / Div of the flow and a constant as a ↦ a ⊙ x + c per feature.</summary>
        private (float[] A, float[] C) Elementwise(NodeProto n, string who, long[] flowShape, bool flowSecond)
        {
            if (n.Input.Count != 2) throw Err($"{who}: needs two inputs");
            int f = checked((int)Features(flowShape));
            var k = PerFeature(Const(n, 1, who), f, flowShape, who, $"operand '{n.Input[1]}'");
            var a = new float[f];
            var c = new float[f];
            for (int i = 0; i < f; i++)
            {
                switch (n.OpType)
                {
                    case "Add": a[i] = 1; c[i] = k[i]; break;
                    case "Sub": if (flowSecond) { a[i] = -1; c[i] = k[i]; } else { a[i] = 1; c[i] = -k[i]; } break;
                    case "Mul": a[i] = k[i]; break;
                    default: // Div
                        if (flowSecond) throw Err($"{who}: a constant divided by the activations is not affine; only x / constant is supported");
                        if (k[i] == 0) throw Err($"{who}: division by a zero constant (element {i})");
                        a[i] = 1 / k[i];
                        break;
                }
            }
            return (a, c);
        }

        /// <summary>BatchNormalization (inference): y = scale·(x − mean)/√(var + ε) + B per feature.</summary>
        private (float[] A, float[] C) BatchNorm(NodeProto n, string who, long[] flowShape)
        {
            if (n.Input.Count != 5) throw Err($"{who}: needs inputs X, scale, B, mean, var");
            if (IntAttr(n, "training_mode", 0) != 0) throw Err($"{who}: training_mode = 1 is not supported (inference form only)");
            if (flowShape.Length != 1) throw Err($"{who}: input has per-sample shape [{string.Join(", ", flowShape)}]; only BatchNormalization over [batch, features] (after a dense layer) is supported");
            int f = (int)flowShape[0];
            float eps = FloatAttr(n, "epsilon", 1e-5f);
            float[] Vec(int k, string what)
            {
                var t = Const(n, k, who);
                var v = t.Floats ?? throw Err($"{who}: {what} '{n.Input[k]}' must be a float tensor");
                if (v.Length != f) throw Err($"{who}: {what} '{n.Input[k]}' has {v.Length} values, expected {f} (one per feature)");
                return v;
            }
            var scale = Vec(1, "scale"); var bias = Vec(2, "B"); var mean = Vec(3, "mean"); var var_ = Vec(4, "var");
            var a = new float[f];
            var c = new float[f];
            for (int i = 0; i < f; i++)
            {
                if (!(var_[i] + eps > 0)) throw Err($"{who}: var[{i}] + epsilon = {var_[i] + eps} is not positive");
                a[i] = (float)(scale[i] / Math.Sqrt(var_[i] + (double)eps));
                c[i] = bias[i] - a[i] * mean[i];
            }
            return (a, c);
        }

        /// <summary>A constant broadcast to one value per feature: a scalar, or exactly the per-sample shape (optionally with leading 1s).</summary>
        private float[] PerFeature(Tensor t, int f, long[] flowShape, string who, string what)
        {
            var v = t.Floats ?? throw Err($"{who}: {what} must be a float tensor");
            if (t.Count == 1) return Enumerable.Repeat(v[0], f).ToArray();
            var dims = t.Dims.SkipWhile(d => d == 1).ToArray();
            var want = flowShape.SkipWhile(d => d == 1).ToArray();
            if (t.Count == f && (dims.SequenceEqual(want) || (flowShape.Length == 1 && dims.Length == 1)))
                return v.ToArray();
            // Numpy broadcasting against [batch, flowShape…]: aligned right, each constant dim 1 or equal; the batch axis 1.
            if (t.Dims.Length <= flowShape.Length + 1 && (t.Dims.Length <= flowShape.Length || t.Dims[0] == 1))
            {
                int off = flowShape.Length - t.Dims.Length; // may be −1 (a leading batch axis of size 1)
                bool ok = true;
                for (int d = Math.Max(0, -off); d < t.Dims.Length; d++)
                    if (t.Dims[d] != 1 && t.Dims[d] != flowShape[d + off]) ok = false;
                if (ok)
                {
                    var r = new float[f];
                    var idx = new long[flowShape.Length];
                    for (int i = 0; i < f; i++)
                    {
                        long rem = i, src = 0, stride = 1;
                        for (int d = flowShape.Length - 1; d >= 0; d--) { idx[d] = rem % flowShape[d]; rem /= flowShape[d]; }
                        for (int d = t.Dims.Length - 1; d >= Math.Max(0, -off); d--)
                        {
                            if (t.Dims[d] != 1) src += idx[d + off] * stride;
                            stride *= t.Dims[d];
                        }
                        r[i] = v[src];
                    }
                    return r;
                }
            }
            throw Err($"{who}: {what} has shape [{string.Join(", ", t.Dims)}], expected a scalar or one value per feature [{string.Join(", ", flowShape)}] (a per-sample operand is not supported)");
        }

        /// <summary>Squeeze / Unsqueeze of per-sample axes (never the batch axis 0): a view change.</summary>
        private long[] SqueezeOrUnsqueeze(NodeProto n, string who, long[] flowShape)
        {
            long[]? axes = null;
            foreach (var at in n.Attribute) if (at.Name == "axes") axes = at.Ints.ToArray();
            if (axes == null && n.Input.Count >= 2 && n.Input[1].Length > 0)
                axes = consts[n.Input[1]].Ints ?? throw Err($"{who}: axes '{n.Input[1]}' must be an int64 tensor");
            var shape = new List<long> { -1 }; // the batch
            shape.AddRange(flowShape);
            if (n.OpType == "Squeeze")
            {
                if (axes == null) return flowShape.Where(d => d != 1).DefaultIfEmpty(1).ToArray();
                var norm = axes.Select(x => x < 0 ? x + shape.Count : x).ToHashSet();
                if (norm.Contains(0)) throw Err($"{who}: squeezing axis 0 (the batch) is not supported");
                foreach (long x in norm)
                    if (x < 1 || x >= shape.Count || shape[(int)x] != 1) throw Err($"{who}: axis {x} is not a per-sample dimension of size 1 in [batch, {string.Join(", ", flowShape)}]");
                return shape.Where((d, i) => i > 0 && !norm.Contains(i)).DefaultIfEmpty(1).ToArray();
            }
            if (axes == null) throw Err($"{who}: Unsqueeze needs axes");
            int rank = shape.Count + axes.Length;
            var ins = axes.Select(x => x < 0 ? x + rank : x).Order().ToArray();
            if (ins.Contains(0)) throw Err($"{who}: inserting axis 0 (before the batch) is not supported");
            foreach (long x in ins)
            {
                if (x < 1 || x > shape.Count) throw Err($"{who}: axis {x} out of range for rank {rank}");
                shape.Insert((int)x, 1);
            }
            return shape.Skip(1).ToArray();
        }

        /// <summary>Node indices in a dependency order (stable: the given order where it already is one).</summary>
        private int[] TopologicalOrder(GraphProto g, string inputName)
        {
            var known = new HashSet<string>(consts.Keys, StringComparer.Ordinal) { inputName, "" };
            var done = new bool[g.Node.Count];
            var order = new List<int>(g.Node.Count);
            while (order.Count < g.Node.Count)
            {
                int next = -1;
                for (int i = 0; i < g.Node.Count && next < 0; i++)
                    if (!done[i] && g.Node[i].Input.All(known.Contains)) next = i;
                if (next < 0)
                {
                    int i = Array.IndexOf(done, false);
                    var missing = g.Node[i].Input.First(x => !known.Contains(x));
                    throw Err($"{Who(g.Node[i], i)}: input '{missing}' is produced by no node, initializer or graph input (or the graph has a cycle)");
                }
                done[next] = true;
                order.Add(next);
                foreach (var o in g.Node[next].Output) known.Add(o);
            }
            return order.ToArray();
        }

        private static bool IsUsed(GraphProto g, string name) => g.Node.Any(x => x.Input.Contains(name)) || g.Output.Any(o => o.Name == name);

        private static bool IsSupported(string op) => Ops.Any(o => o.Op == op);

        private static long Features(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

        /// <summary>The per-sample shape after a Reshape node (<paramref name="n"/>, named <paramref name="who"/>) of <paramref name="flowShape"/>.</summary>
        /// <param name="n">The node.</param>
        /// <param name="who">Its name for messages.</param>
        /// <param name="flowShape">The per-sample shape before.</param>
        /// <param name="final">The reshape's output is the graph output: a regrouping of the whole batch's values
        /// (<c>[-1, k]</c> with k dividing the features, skl2onnx's <c>[N·m, 1]</c>) keeps their row-major order, so the
        /// proven per-sample outputs, concatenated, are the graph output; accepted with a warning.</param>
        private long[] Reshape(NodeProto n, string who, long[] flowShape, bool final)
        {
            if (n.Input.Count < 2) throw Err($"{who}: opset-5+ Reshape needs its shape as a second (constant) input");
            var t = Const(n, 1, who);
            var target = t.Ints ?? throw Err($"{who}: shape '{n.Input[1]}' must be an int64 tensor");
            target = BatchAsCopy(target, who, IntAttr(n, "allowzero", 0) != 0);
            if (target.Length < 1) throw Err($"{who}: empty target shape");
            long f = Features(flowShape);
            bool allowZero = IntAttr(n, "allowzero", 0) != 0;
            // Resolve against [batch, flowShape...]: 0 copies a dimension (unless allowzero), −1 is inferred.
            var full = new long[target.Length];
            int minus = -1;
            for (int d = 0; d < target.Length; d++)
            {
                long v = target[d];
                if (v == 0 && !allowZero) v = d == 0 ? -2 /* batch */ : (d < flowShape.Length + 1 ? flowShape[d - 1] : throw Err($"{who}: shape[{d}] = 0 copies a dimension that does not exist"));
                else if (v == -1) { if (minus >= 0) throw Err($"{who}: more than one -1 in the target shape"); minus = d; }
                else if (v < -1 || (v == 0 && allowZero)) throw Err($"{who}: invalid target dimension {v}");
                full[d] = v;
            }
            // The batch must stay the first dimension: the rest must hold exactly the features.
            if (full[0] == -2 || (minus == 0))
            {
                long rest = 1;
                for (int d = 1; d < full.Length; d++) if (d != minus) rest *= full[d];
                if (minus > 0) { if (rest == 0 || f % rest != 0) throw Err($"{who}: cannot infer -1 for {f} features"); full[minus] = f / rest; rest = f; }
                if (rest != f && minus == 0 && final && rest > 0 && f % rest == 0)
                {
                    warnings.Add($"{who}: the final Reshape to [{string.Join(", ", target)}] regroups the batch ({f} values per sample become {f / rest} rows of {rest}); the proof's outputs are per sample, [batch, {f}], whose row-major order is the graph output's");
                    return flowShape;
                }
                if (rest != f) throw Err($"{who}: target shape [{string.Join(", ", target)}] does not keep the batch dimension first with {f} features per sample{(minus == 0 && !final ? " (a reshape across the batch is accepted only as the graph's last op)" : "")}");
                return full.Skip(1).ToArray();
            }
            else
            {
                // A fixed first dimension: accept it as the batch when the rest holds the features (exporters often bake batch 1).
                long rest = 1;
                for (int d = 1; d < full.Length; d++) if (d != minus) rest *= full[d];
                if (minus > 0) { if (rest == 0 || f % rest != 0) throw Err($"{who}: cannot infer -1 for {f} features"); full[minus] = f / rest; rest = f; }
                if (rest != f || full.Length < 2)
                    throw Err($"{who}: target shape [{string.Join(", ", target)}] mixes the batch dimension into the features; only reshapes that keep [batch, features…] are supported");
                if (full[0] != 1) warnings.Add($"{who}: fixed batch dimension {full[0]} in the target shape is treated as the batch");
                return full.Skip(1).ToArray();
            }
        }

        private void Gemm(NodeProto n, string who, long[] flowShape)
        {
            if (flowShape.Length != 1) throw Err($"{who}: input has per-sample shape [{string.Join(", ", flowShape)}], Gemm needs a matrix [batch, features] (add a Flatten)");
            if (n.Input.Count < 2) throw Err($"{who}: needs inputs A, B");
            float alpha = FloatAttr(n, "alpha", 1f), beta = FloatAttr(n, "beta", 1f);
            if (IntAttr(n, "transA", 0) != 0) throw Err($"{who}: transA = 1 on the activation input is not supported");
            bool transB = IntAttr(n, "transB", 0) != 0;
            var b = Const(n, 1, who);
            if (b.Dims.Length != 2) throw Err($"{who}: B '{n.Input[1]}' has rank {b.Dims.Length}, expected 2");
            var bf = b.Floats ?? throw Err($"{who}: B '{n.Input[1]}' must be a float tensor");
            long rows = transB ? b.Dims[1] : b.Dims[0], cols = transB ? b.Dims[0] : b.Dims[1];
            if (rows != flowShape[0]) throw Err($"{who}: B has {rows} input rows{(transB ? " (transB = 1)" : "")}, the previous layer gives {flowShape[0]} features");
            int ins = (int)rows, outs = (int)cols;
            var w = new float[(long)ins * outs];
            for (int i = 0; i < ins; i++)
                for (int j = 0; j < outs; j++)
                    w[(long)i * outs + j] = alpha * (transB ? bf[(long)j * ins + i] : bf[(long)i * outs + j]);
            var bias = new float[outs];
            bool hasBias = false;
            if (n.Input.Count >= 3 && n.Input[2].Length > 0)
            {
                BroadcastBias(Const(n, 2, who), outs, who, $"C '{n.Input[2]}'", bias, beta);
                hasBias = true;
            }
            layers.Add((ins, outs, w, bias, Activation.None, n.Name.Length > 0 ? n.Name : $"Gemm#{layers.Count}", hasBias, null));
        }

        private void MatMul(NodeProto n, string who, long[] flowShape)
        {
            if (flowShape.Length != 1) throw Err($"{who}: input has per-sample shape [{string.Join(", ", flowShape)}], MatMul needs [batch, features] (add a Flatten)");
            if (n.Input.Count != 2) throw Err($"{who}: needs two inputs");
            var b = Const(n, 1, who);
            if (b.Dims.Length != 2) throw Err($"{who}: weight '{n.Input[1]}' has rank {b.Dims.Length}, expected 2");
            var bf = b.Floats ?? throw Err($"{who}: weight '{n.Input[1]}' must be a float tensor");
            if (b.Dims[0] != flowShape[0]) throw Err($"{who}: weight has {b.Dims[0]} rows, the previous layer gives {flowShape[0]} features");
            layers.Add(((int)b.Dims[0], (int)b.Dims[1], bf, new float[b.Dims[1]], Activation.None, n.Name.Length > 0 ? n.Name : $"MatMul#{layers.Count}", false, null));
        }

        private void BroadcastBias(Tensor c, int outs, string who, string what, float[] into, float scale)
        {
            var cf = c.Floats ?? throw Err($"{who}: {what} must be a float tensor");
            long count = c.Count;
            bool rowLike = c.Dims.Length == 0 || c.Dims.Take(c.Dims.Length - 1).All(d => d == 1);
            if (!rowLike || (count != outs && count != 1))
                throw Err($"{who}: {what} has shape [{string.Join(", ", c.Dims)}], expected a vector [{outs}], a row [1, {outs}] or a scalar (a per-sample bias is not supported)");
            for (int j = 0; j < outs; j++) into[j] = scale * (count == 1 ? cf[0] : cf[j]);
        }

        private Tensor ConstantValue(NodeProto n, string who)
        {
            foreach (var a in n.Attribute)
            {
                switch (a.Name)
                {
                    case "value": return ReadTensor(a.T ?? throw Err($"{who}: attribute 'value' has no tensor"), who);
                    case "value_float": return new Tensor([], [a.F], null);
                    case "value_floats": return new Tensor([a.Floats.Count], a.Floats.ToArray(), null);
                    case "value_int": return new Tensor([], [a.I], [a.I]);
                    case "value_ints": return new Tensor([a.Ints.Count], a.Ints.Select(v => (float)v).ToArray(), a.Ints.ToArray());
                }
            }
            throw Err($"{who}: Constant without a supported value attribute (value, value_float(s), value_int(s))");
        }

        private static long IntAttr(NodeProto n, string name, long dflt)
        {
            foreach (var a in n.Attribute) if (a.Name == name) return a.I;
            return dflt;
        }

        private static float FloatAttr(NodeProto n, string name, float dflt)
        {
            foreach (var a in n.Attribute) if (a.Name == name) return a.F;
            return dflt;
        }

        private Tensor ReadTensor(TensorProto t, string who)
        {
            var v = OnnxTensorFile.Read(t, $"{source}: {who}");
            return new Tensor(v.Dims, v.Floats, v.Ints);
        }
    }
}
