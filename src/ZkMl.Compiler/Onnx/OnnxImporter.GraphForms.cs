using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Onnx;

public static partial class OnnxImporter
{
    /// <summary>Element-wise ops a scalar region may hold (each output element a function of the same element of its inputs).</summary>
    internal static readonly string[] ScalarRegionOps = ["Add", "Sub", "Mul", "Div", "Pow", "Neg", "Abs", "Sqrt", "Exp", "Erf", "Tanh", "Sigmoid", "Relu", "Identity"];

    /// <summary>The supported-ops page's paragraphs on element-wise subgraphs and bound weights.</summary>
    private static string ScalarRegionDoc =>
        "\n**Element-wise subgraphs.** When a tensor is read by several nodes (x·x, x·sigmoid(x), torch's Gelu written out as\n" +
        $"Mul/Add/Tanh nodes), a subgraph of {string.Join(", ", ScalarRegionOps)} nodes with scalar constants that\n" +
        "joins into one tensor again (the longest such that is recognised; further scalar ops may extend it) is a function f of\n" +
        "one value per element. f is evaluated on 2 049 points of [−8, 8] and 28 points out to ±49 152, and\n" +
        "recognised as one of the tables above (relu, sigmoid, tanh, leaky_relu, hard_sigmoid, elu, gelu in its erf or tanh form;\n" +
        "proven) or as an affine map a·x + b (folded), within 1e−5·(1 + |f|); otherwise the model is refused naming the nodes and\n" +
        "f(−1), f(0), f(1) (SiLU x·sigmoid(x) and x² have no table). A per-feature constant inside the subgraph, or any other op, is refused.\n" +
        "\n**Weights as graph inputs.** `zkml compile MODEL --weights FILE` (repeatable) binds graph inputs as constants: FILE is\n" +
        "an ONNX TensorProto (`.pb`, its name field names the input: the ONNX test data sets' `input_1.pb`…) or JSON\n" +
        "`{\"name\": values}` with nested arrays giving the dims. The declared element type and fixed dims are checked; the one\n" +
        "input left is the samples.\n";

    private sealed partial class Importer
    {
        private readonly HashSet<int> regionNodes = [];

        /// <summary>A recognised scalar region: its nodes, the tensor leaving it, and the function: a table activation, or (Act = None) the affine map Alpha·x + Beta.</summary>
        private sealed record Region(int[] Nodes, string Exit, Activation Act, float Alpha, float Beta);

        /// <summary>ConstantOfShape (opset 9+): a tensor of the constant shape input filled with the one-element value attribute (0.0 without it).</summary>
        private Tensor ConstantOfShape(NodeProto n, string who)
        {
            var shape = Const(n, 0, who).Ints ?? throw Err($"{who}: the shape '{n.Input[0]}' must be an int64 tensor");
            long count = 1;
            foreach (long d in shape)
            {
                if (d < 0) throw Err($"{who}: negative dimension {d} in the shape");
                count = checked(count * d);
            }
            if (count > OnnxTensorFile.MaxElements) throw Err($"{who}: {count} elements is too large");
            float v = 0;
            long? iv = null;
            foreach (var a in n.Attribute)
                if (a.Name == "value")
                {
                    var t = ReadTensor(a.T ?? throw Err($"{who}: attribute 'value' has no tensor"), who);
                    if (t.Count != 1) throw Err($"{who}: attribute 'value' has {t.Count} elements, expected one");
                    v = t.Floats![0];
                    iv = t.Ints?[0];
                }
            return new Tensor(shape.ToArray(), Enumerable.Repeat(v, (int)count).ToArray(), iv is { } i ? Enumerable.Repeat(i, (int)count).ToArray() : null);
        }

        /// <summary>True when the flow is read more than once (by two nodes, or twice by one): the chain is a subgraph.</summary>
        private static bool FlowBranches(GraphProto g, string flow) => g.Node.Where(x => x.OpType != "Shape").Sum(x => x.Input.Count(i => i == flow)) > 1;

        /// <summary>The batch entry of a folded Shape of the activations (symbolic: only a Reshape target may use it).</summary>
        private const long BatchDim = long.MinValue;

        /// <summary>A Reshape target with the symbolic batch: first, it is a 0 (copy the batch dimension); elsewhere it is refused.</summary>
        private long[] BatchAsCopy(long[] target, string who, bool allowZero)
        {
            if (!target.Contains(BatchDim)) return target;
            if (target[0] != BatchDim || target.Skip(1).Contains(BatchDim) || allowZero)
                throw Err($"{who}: the target shape uses the batch size {(target[0] != BatchDim || target.Skip(1).Contains(BatchDim) ? "outside the first dimension" : "with allowzero = 1")}; only [batch, features…] reshapes are supported");
            return [0, .. target.Skip(1)];
        }

        /// <summary>
        /// Shape arithmetic folded at import: Shape of the activations ([batch, per-sample dims], the batch symbolic), and
        /// Gather / Unsqueeze / Squeeze / Concat / Cast on int64 constants — torch's x.view(x.size(0), -1) pattern.
        /// </summary>
        private bool FoldShapeOp(NodeProto n, string who, string flow, long[] flowShape)
        {
            if (n.Output.Count != 1 || n.Domain is not ("" or "ai.onnx")) return false;
            if (n.OpType == "Shape" && n.Input.Count == 1 && n.Input[0] == flow)
            {
                long[] full = [BatchDim, .. flowShape];
                long rank = full.Length, start = IntAttr(n, "start", 0), end = IntAttr(n, "end", rank);
                if (start < 0) start += rank;
                if (end < 0) end += rank;
                start = Math.Clamp(start, 0, rank);
                end = Math.Clamp(end, start, rank);
                var v = full[(int)start..(int)end];
                consts[n.Output[0]] = new Tensor([v.Length], v.Select(x => (float)x).ToArray(), v);
                return true;
            }
            if (n.OpType is not ("Gather" or "Unsqueeze" or "Squeeze" or "Concat" or "Cast") || n.Input.Count == 0
                || !n.Input.All(i => i.Length == 0 || consts.ContainsKey(i)))
                return false;
            var ins = n.Input.Select(i => i.Length == 0 ? null : consts[i]).ToArray();
            if (ins[0]?.Ints is not { } x0) return false; // float constants: not shape arithmetic
            Tensor Ints(long[] dims, long[] v) => new(dims, v.Select(e => (float)e).ToArray(), v);
            long[] Axes() => n.Attribute.FirstOrDefault(a => a.Name == "axes")?.Ints.ToArray()
                ?? (ins.Length > 1 && ins[1]?.Ints is { } ax ? ax : []);
            switch (n.OpType)
            {
                case "Gather":
                {
                    if (IntAttr(n, "axis", 0) != 0 || ins[0]!.Dims.Length != 1 || ins.Length != 2 || ins[1]?.Ints is not { } idx)
                        throw Err($"{who}: Gather of a constant is supported on a 1-D int64 tensor along axis 0 with int64 indices");
                    var v = idx.Select(i => i < 0 ? i + x0.Length : i).Select(i => i >= 0 && i < x0.Length ? x0[i] : throw Err($"{who}: index {i} out of range for {x0.Length} values")).ToArray();
                    consts[n.Output[0]] = Ints(ins[1]!.Dims, v);
                    return true;
                }
                case "Unsqueeze":
                case "Squeeze":
                {
                    var dims = ins[0]!.Dims.ToList();
                    var axes = Axes();
                    if (n.OpType == "Unsqueeze")
                    {
                        int rank = dims.Count + axes.Length;
                        foreach (long a in axes.Select(a => a < 0 ? a + rank : a).Order()) dims.Insert((int)Math.Clamp(a, 0, dims.Count), 1);
                    }
                    else
                    {
                        var drop = axes.Length == 0 ? Enumerable.Range(0, dims.Count).Where(d => dims[d] == 1).ToHashSet()
                            : axes.Select(a => (int)(a < 0 ? a + dims.Count : a)).ToHashSet();
                        dims = dims.Where((d, i) => !drop.Contains(i)).ToList();
                    }
                    consts[n.Output[0]] = Ints(dims.ToArray(), x0);
                    return true;
                }
                case "Concat":
                {
                    if (ins.Any(t => t?.Ints == null || t.Dims.Length != 1))
                        throw Err($"{who}: Concat of constants is supported on 1-D int64 tensors (shapes)");
                    var v = ins.SelectMany(t => t!.Ints!).ToArray();
                    consts[n.Output[0]] = Ints([v.Length], v);
                    return true;
                }
                default: // Cast
                {
                    long to = IntAttr(n, "to", 0);
                    if (to is (long)TensorProto.Types.DataType.Int64 or (long)TensorProto.Types.DataType.Int32) { consts[n.Output[0]] = Ints(ins[0]!.Dims, x0); return true; }
                    if (x0.Contains(BatchDim)) throw Err($"{who}: Cast of the symbolic batch size to {(TensorProto.Types.DataType)to} is not supported");
                    consts[n.Output[0]] = new Tensor(ins[0]!.Dims, x0.Select(e => (float)e).ToArray(), null);
                    return true;
                }
            }
        }

        /// <summary>
        /// The smallest subgraph from <paramref name="flow"/> made of element-wise ops with scalar constants that
        /// closes again into one tensor (every other tensor it makes is used only inside it): a function f of one
        /// value per element. It is evaluated on a grid and recognised as one of the activation tables (Gelu in
        /// its tanh form is the common case: torch exports it as 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))), or
        /// as an affine map; anything else is refused, naming the nodes.
        /// </summary>
        private Region ScalarRegion(GraphProto g, int[] order, int start, string flow, string who)
        {
            var tensors = new HashSet<string>(StringComparer.Ordinal) { flow };
            string readers = string.Join(", ", g.Node.Select((x, i) => (x, i)).Where(t => t.x.Input.Contains(flow)).Select(t => Who(t.x, t.i)));
            var nodes = new List<int>();
            var closures = new List<(int Count, string Exit)>(); // the region's prefixes that close into one tensor
            for (int p = start; p < order.Length; p++)
            {
                var m = g.Node[order[p]];
                string mwho = Who(m, order[p]);
                if (m.OpType == "Constant" && m.Domain is "" or "ai.onnx")
                {
                    if (m.Output.Count == 1) consts[m.Output[0]] = ConstantValue(m, mwho);
                    continue;
                }
                if (!m.Input.Any(tensors.Contains)) continue;
                // After a closure, the region only grows by further scalar ops; anything else ends it there.
                if (!ScalarRegionOps.Contains(m.OpType) || m.Domain is not ("" or "ai.onnx"))
                {
                    if (closures.Count > 0) break;
                    throw Err($"{who}: '{flow}' is read by {readers} (a branch); ZkMl proves a branch only when it is an element-wise function of one value per element ({string.Join(", ", ScalarRegionOps)} with scalar constants) that joins into one tensor, but {mwho} is not one of those ops (residual connections and other branches are not supported)");
                }
                string? bad = m.Input.FirstOrDefault(i => i.Length > 0 && !tensors.Contains(i) && !(consts.TryGetValue(i, out var c) && c.Count == 1 && c.Floats != null));
                if (bad != null)
                {
                    if (closures.Count > 0) break;
                    throw Err($"{who}: '{flow}' is read by {readers} (a branch); {mwho} reads '{bad}', which is neither computed from '{flow}' inside the branch nor a scalar constant (per-feature constants or other tensors make it more than a function of one value per element)");
                }
                if (m.Output.Count != 1) throw Err($"{mwho}: expected one output");
                nodes.Add(order[p]);
                tensors.Add(m.Output[0]);
                // Closed: the newest tensor is the only one read outside the region (or the graph output).
                var inside = nodes.Select(k => g.Node[k]).ToHashSet();
                bool closed = tensors.Where(t => t != m.Output[0]).All(t =>
                    g.Output.All(o => o.Name != t) && g.Node.Where(x => !inside.Contains(x)).All(x => !x.Input.Contains(t)));
                if (closed) closures.Add((nodes.Count, m.Output[0]));
            }
            if (closures.Count == 0)
                throw Err($"{who}: '{flow}' is read by {readers} (a branch) that never join into one tensor; only chains (and element-wise branches that join again) are supported");
            // The longest closed prefix that is a known function (torch's Gelu ends in a Mul by 0.5 after a closure).
            string Names(int count) => string.Join(", ", nodes.Take(count).Select(k => Who(g.Node[k], k)));
            for (int k = closures.Count - 1; k >= 0; k--)
            {
                var (count, exit) = closures[k];
                var inside = nodes.Take(count).Select(i => g.Node[i]).ToList();
                if (Recognise(inside, flow, who, Names(count), k == 0) is not { } r) continue;
                var (act, alpha, beta) = r;
                warnings.Add($"{who}: the subgraph {Names(count)} computes {(act == Activation.None ? $"the affine map {alpha:G6}·x + {beta:G6}" : act.ToName() + (act == Activation.Gelu ? (beta == 1 ? " (tanh form)" : " (erf form)") : ""))} of each element; {(act == Activation.None ? "folded" : "proven by its lookup table")}");
                return new Region(nodes.Take(count).ToArray(), exit, act, alpha, beta);
            }
            throw Err($"internal: no closure of the region at {who} was recognised");
        }

        /// <summary>Which table (or affine map) the region's scalar function is: compared on 2 049 points of [−8, 8] and 28 points out to ±49 152, within 1e−5·(1 + |y|).</summary>
        /// <remarks>Null when nothing matches, unless <paramref name="orThrow"/> (then a clear error naming the nodes).</remarks>
        private (Activation Act, float Alpha, float Beta)? Recognise(List<NodeProto> nodes, string flow, string who, string names, bool orThrow)
        {
            double F(double x) => Evaluate(nodes, flow, x);
            // [−8, 8] finely, and ±2^k up to 65 536 (a table covers whatever range calibration finds: a subgraph that
            // agrees near 0 only, e.g. relu(x) − relu(x − 10), must not pass for relu).
            var far = Enumerable.Range(3, 14).SelectMany(k => new[] { Math.Pow(2, k) * 1.5, -Math.Pow(2, k) * 1.5 }).Where(x => Math.Abs(x) > 8);
            var grid = Enumerable.Range(0, 2049).Select(i => -8 + i / 128.0).Concat(far).ToArray();
            var ys = grid.Select(F).ToArray();
            if (ys.Take(2049).Any(y => !double.IsFinite(y)))
                return !orThrow ? null : throw Err($"{who}: the subgraph {names} is not finite on [−8, 8] (a division by zero or a root of a negative); not a table activation");
            // (far out, a value the float model itself overflows is not compared)
            bool Matches(Func<double, double> h) => grid.Select((x, i) => (i >= 2049 && !double.IsFinite(ys[i])) || Math.Abs(ys[i] - h(x)) <= 1e-5 * (1 + Math.Abs(h(x)))).All(b => b);
            double f0 = F(0), f1 = F(1);
            if (Matches(x => f0 + (f1 - f0) * x)) return (Activation.None, (float)(f1 - f0), (float)f0);
            double leak = -F(-1), hsB = f0, hsA = (F(0.125) - f0) * 8, eluA = -F(-30);
            (Activation, double, double)[] candidates =
            [
                (Activation.Relu, 0, 0), (Activation.Sigmoid, 0, 0), (Activation.Tanh, 0, 0),
                (Activation.Gelu, 0, 1), (Activation.Gelu, 0, 0),
                (Activation.LeakyRelu, leak, 0), (Activation.HardSigmoid, hsA, hsB), (Activation.Elu, eluA, 0),
            ];
            foreach (var (act, a, b) in candidates)
                if (double.IsFinite(a) && Matches(x => FloatExecutor.Apply(act, a, b, x)))
                    return (act, (float)a, (float)b);
            return !orThrow ? null : throw Err($"{who}: the subgraph {names} is a function of one value per element, but none of the activation tables (relu, sigmoid, tanh, leaky_relu, hard_sigmoid, elu, gelu) nor an affine map: f(−1) = {F(-1):G6}, f(0) = {f0:G6}, f(1) = {f1:G6}");
        }

        /// <summary>The region's output for the input value <paramref name="x"/> (double precision; constants as stored).</summary>
        private double Evaluate(List<NodeProto> nodes, string flow, double x)
        {
            var v = new Dictionary<string, double>(StringComparer.Ordinal) { [flow] = x };
            double In(NodeProto n, int k) => v.TryGetValue(n.Input[k], out double d) ? d : consts[n.Input[k]].Floats![0];
            double last = x;
            foreach (var n in nodes)
            {
                last = n.OpType switch
                {
                    "Add" => In(n, 0) + In(n, 1),
                    "Sub" => In(n, 0) - In(n, 1),
                    "Mul" => In(n, 0) * In(n, 1),
                    "Div" => In(n, 0) / In(n, 1),
                    "Pow" => Math.Pow(In(n, 0), In(n, 1)),
                    "Neg" => -In(n, 0),
                    "Abs" => Math.Abs(In(n, 0)),
                    "Sqrt" => Math.Sqrt(In(n, 0)),
                    "Exp" => Math.Exp(In(n, 0)),
                    "Erf" => FloatExecutor.Erf(In(n, 0)),
                    "Tanh" => Math.Tanh(In(n, 0)),
                    "Sigmoid" => 1 / (1 + Math.Exp(-In(n, 0))),
                    "Relu" => Math.Max(0, In(n, 0)),
                    _ => In(n, 0), // Identity
                };
                v[n.Output[0]] = last;
            }
            return last;
        }
    }
}
