using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Onnx;

// Conv, MaxPool, AveragePool, GlobalAveragePool over NCHW, BatchNormalization after a Conv, and activations that
// commute with a MaxPool. Each layer keeps its kernel and geometry (never an im2col matrix).
public static partial class OnnxImporter
{
    private sealed partial class Importer
    {
        private static readonly HashSet<string> ConvAttributes = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"];
        private static readonly HashSet<string> MaxPoolAttributes = ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"];
        private static readonly HashSet<string> AveragePoolAttributes = ["auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"];

        /// <summary>A Conv or pooling node on the flow [C, H, W]: appends the layer, returns the output shape [C', H', W'].</summary>
        private long[] SpatialLayer(NodeProto n, string who, long[] flowShape, GraphProto g)
        {
            if (flowShape.Length != 3)
                throw Err($"{who}: input has per-sample shape [{string.Join(", ", flowShape)}]; {n.OpType} needs 2-D images [batch, C, H, W] (NCHW)");
            if (flowShape.Any(d => d > 1 << 14)) throw Err($"{who}: input shape [{string.Join(", ", flowShape)}] is too large");
            int c = (int)flowShape[0], h = (int)flowShape[1], w = (int)flowShape[2];
            string name = n.Name.Length > 0 ? n.Name : $"{n.OpType}#{layers.Count}";
            var allowed = n.OpType switch { "Conv" => ConvAttributes, "MaxPool" => MaxPoolAttributes, "AveragePool" => AveragePoolAttributes, _ => [] };
            foreach (var at in n.Attribute)
                if (!allowed.Contains(at.Name))
                    throw Err($"{who}: attribute '{at.Name}' is not supported ({(allowed.Count == 0 ? "GlobalAveragePool takes none" : "supported: " + string.Join(", ", allowed.Order()))})");
            if (n.OpType == "GlobalAveragePool")
            {
                if (pendA != null) throw Err($"{who}: an elementwise op right before a pooling layer is not supported (fold it after the pooling)");
                var gg = new Conv2dGeometry(c, h, w, c, h, w, 1, 1, 0, 0, 0, 0);
                if (mirror != null) gg = PoolMirrored(gg, who);
                layers.Add((gg.InputSize, gg.OutputSize, [], [], Activation.None, name, false, new PoolLayer(LayerKind.AveragePool, gg, name: name)));
                return [c, 1, 1];
            }

            int kh, kw, outC;
            Tensor? weight = null;
            if (n.OpType == "Conv")
            {
                if (n.Input.Count < 2) throw Err($"{who}: needs inputs X, W (and optionally B)");
                weight = Const(n, 1, who);
                if (weight.Dims.Length != 4)
                    throw Err($"{who}: weight '{n.Input[1]}' has rank {weight.Dims.Length}, expected 4 [C_out, C_in, kH, kW] (only 2-D convolutions are supported)");
                if (weight.Floats == null) throw Err($"{who}: weight '{n.Input[1]}' must be a float tensor");
                long group = IntAttr(n, "group", 1);
                if (group != 1) throw Err($"{who}: attribute 'group' = {group}; expected 1 (grouped and depthwise convolutions are not supported)");
                if (weight.Dims[1] != c)
                    throw Err($"{who}: weight '{n.Input[1]}' has {weight.Dims[1]} input channels, the input has {c} (shape [{c}, {h}, {w}])");
                outC = checked((int)weight.Dims[0]);
                kh = checked((int)weight.Dims[2]);
                kw = checked((int)weight.Dims[3]);
                var ks = Ints(n, "kernel_shape");
                if (ks != null && !ks.SequenceEqual(new long[] { kh, kw }))
                    throw Err($"{who}: attribute 'kernel_shape' = [{string.Join(", ", ks)}] differs from the weight's [{kh}, {kw}]");
            }
            else
            {
                var ks = Ints(n, "kernel_shape") ?? throw Err($"{who}: attribute 'kernel_shape' is required");
                if (ks.Length != 2) throw Err($"{who}: attribute 'kernel_shape' = [{string.Join(", ", ks)}]; expected 2 values (2-D pooling only)");
                if (ks.Any(k => k <= 0 || k > 1 << 14)) throw Err($"{who}: attribute 'kernel_shape' = [{string.Join(", ", ks)}]; expected positive sizes");
                kh = (int)ks[0];
                kw = (int)ks[1];
                outC = c;
                long ceil = IntAttr(n, "ceil_mode", 0);
                if (ceil != 0) throw Err($"{who}: attribute 'ceil_mode' = {ceil}; expected 0 (floor)");
                if (n.OpType == "MaxPool" && n.Output.Count > 1 && n.Output[1].Length > 0 && IsUsed(g, n.Output[1]))
                    throw Err($"{who}: the Indices output '{n.Output[1]}' is used; only the values output is supported");
            }
            var dil = Ints(n, "dilations");
            if (dil != null && dil.Any(d => d != 1)) throw Err($"{who}: attribute 'dilations' = [{string.Join(", ", dil)}]; expected all 1 (dilation 1 only)");
            var strides = Ints(n, "strides") ?? [1, 1];
            if (strides.Length != 2 || strides.Any(s => s <= 0 || s > 1 << 14)) throw Err($"{who}: attribute 'strides' = [{string.Join(", ", strides)}]; expected 2 positive values");
            int sh = (int)strides[0], sw = (int)strides[1];
            string autoPad = "NOTSET";
            foreach (var at in n.Attribute) if (at.Name == "auto_pad") autoPad = at.S.ToStringUtf8();
            var pads = Ints(n, "pads");
            int pt, pl, pb, pr;
            switch (autoPad)
            {
                case "NOTSET" or "":
                    pads ??= [0, 0, 0, 0];
                    if (pads.Length != 4 || pads.Any(p => p < 0 || p > 1 << 14)) throw Err($"{who}: attribute 'pads' = [{string.Join(", ", pads)}]; expected 4 values ≥ 0 [top, left, bottom, right]");
                    (pt, pl, pb, pr) = ((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
                    break;
                case "VALID":
                    (pt, pl, pb, pr) = (0, 0, 0, 0);
                    break;
                case "SAME_UPPER" or "SAME_LOWER":
                {
                    (int begin, int end) Same(int size, int k, int s)
                    {
                        int outSize = (size + s - 1) / s;
                        int total = Math.Max((outSize - 1) * s + k - size, 0);
                        int small = total / 2;
                        return autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
                    }
                    (pt, pb) = Same(h, kh, sh);
                    (pl, pr) = Same(w, kw, sw);
                    break;
                }
                default: throw Err($"{who}: attribute 'auto_pad' = '{autoPad}'; expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
            }
            var geo = new Conv2dGeometry(c, h, w, outC, kh, kw, sh, sw, pt, pl, pb, pr);
            if (geo.Problem() is { } problem) throw Err($"{who}: {problem}");
            if (n.OpType == "AveragePool" && geo.Padded && IntAttr(n, "count_include_pad", 0) == 0)
                throw Err($"{who}: attribute 'count_include_pad' = 0 with pads [{pt}, {pl}, {pb}, {pr}]: the divisor would differ at the borders; expected count_include_pad = 1 (divide by {kh}×{kw} everywhere) or no padding");

            if (n.OpType != "Conv")
            {
                if (pendA != null) throw Err($"{who}: an elementwise op right before a pooling layer is not supported (fold it after the pooling)");
                var kind = n.OpType == "MaxPool" ? LayerKind.MaxPool : LayerKind.AveragePool;
                if (kind == LayerKind.MaxPool) RefuseMaxPoolAfterMirror(who);
                else if (mirror != null) geo = PoolMirrored(geo, who);
                layers.Add((geo.InputSize, geo.OutputSize, [], [], Activation.None, name, false, new PoolLayer(kind, geo, name: name)));
                return [outC, geo.OutH, geo.OutW];
            }

            var kernel = weight!.Floats!.ToArray();
            var bias = new float[outC];
            bool hasBias = false;
            if (n.Input.Count >= 3 && n.Input[2].Length > 0)
            {
                var bt = Const(n, 2, who);
                var bf = bt.Floats ?? throw Err($"{who}: bias '{n.Input[2]}' must be a float tensor");
                if (bf.Length != outC) throw Err($"{who}: bias '{n.Input[2]}' has {bf.Length} values, expected {outC} (one per output channel)");
                bf.CopyTo(bias, 0);
                hasBias = true;
            }
            if (pendA != null)
            {
                // x ↦ a·x + c per input channel before the conv: K' = K·a_i, b' = b + Σ_i c_i·ΣK[o, i] (exact only
                // without padding, where every window sees transformed values).
                int plane = h * w, per = kh * kw;
                for (int i = 0; i < c; i++)
                    for (int e = 1; e < plane; e++)
                        if (pendA[i * plane + e] != pendA[i * plane] || pendC![i * plane + e] != pendC[i * plane])
                            throw Err($"{who}: the elementwise ops before this Conv differ within input channel {i}; only a scalar or per-channel affine map folds into a Conv");
                if (geo.Padded && Enumerable.Range(0, c).Any(i => pendC![i * plane] != 0))
                    throw Err($"{who}: an offset (Add/Sub/BatchNormalization) before a padded Conv does not fold (the padding is not shifted); only scales fold there");
                for (int o = 0; o < outC; o++)
                    for (int i = 0; i < c; i++)
                    {
                        float ai = pendA[i * plane], ci = pendC![i * plane];
                        for (int t = 0; t < per; t++)
                        {
                            long at = ((long)o * c + i) * per + t;
                            bias[o] += ci * kernel[at];
                            kernel[at] *= ai;
                        }
                    }
                hasBias = true;
                pendA = pendC = null;
            }
            layers.Add((geo.InputSize, geo.OutputSize, kernel, bias, Activation.None, name, hasBias, new ConvLayer(geo, kernel, bias, Activation.None, name)));
            ReadMirroredInput(); // after a per-channel PRelu: K' = [K, −s·K] over the doubled input channels
            return [outC, geo.OutH, geo.OutW];
        }

        /// <summary>BatchNormalization over [batch, C, H, W] (inference): one scale and offset per channel, folded into the Conv before it (or a pending map for the next layer).</summary>
        private void SpatialBatchNorm(NodeProto n, string who, long[] flowShape, bool lastIsDense)
        {
            if (n.Input.Count != 5) throw Err($"{who}: needs inputs X, scale, B, mean, var");
            if (IntAttr(n, "training_mode", 0) != 0) throw Err($"{who}: training_mode = 1 is not supported (inference form only)");
            int ch = (int)flowShape[0], plane = (int)(flowShape[1] * flowShape[2]);
            float eps = FloatAttr(n, "epsilon", 1e-5f);
            float[] Vec(int k, string what)
            {
                var v = Const(n, k, who).Floats ?? throw Err($"{who}: {what} '{n.Input[k]}' must be a float tensor");
                if (v.Length != ch) throw Err($"{who}: {what} '{n.Input[k]}' has {v.Length} values, expected {ch} (one per channel)");
                return v;
            }
            var scale = Vec(1, "scale"); var b = Vec(2, "B"); var mean = Vec(3, "mean"); var var_ = Vec(4, "var");
            var a = new float[ch * plane];
            var c = new float[ch * plane];
            for (int i = 0; i < ch; i++)
            {
                if (!(var_[i] + eps > 0)) throw Err($"{who}: var[{i}] + epsilon = {var_[i] + eps} is not positive");
                float ai = (float)(scale[i] / Math.Sqrt(var_[i] + (double)eps));
                float ci = b[i] - ai * mean[i];
                for (int e = 0; e < plane; e++) { a[i * plane + e] = ai; c[i * plane + e] = ci; }
            }
            ApplyAffine(a, c, lastIsDense);
        }

        /// <summary>y = a ⊙ z + c right after a Conv without activation: per output channel, K' = a_o·K, b' = a_o·b + c_o.</summary>
        private void FoldIntoSpatial(float[] a, float[] c)
        {
            var l = layers[^1];
            if (l.Spatial is not ConvLayer conv)
                throw Err($"an elementwise op or BatchNormalization right after the pooling layer '{l.Name}' is not supported (put it before the pooling, or after a Conv)");
            var geo = conv.Geometry;
            int plane = geo.OutH * geo.OutW, per = geo.InC * geo.KH * geo.KW;
            for (int o = 0; o < geo.OutC; o++)
                for (int e = 1; e < plane; e++)
                    if (a[o * plane + e] != a[o * plane] || c[o * plane + e] != c[o * plane])
                        throw Err($"the elementwise op after Conv '{l.Name}' differs within output channel {o}; only a scalar or per-channel map folds into a Conv");
            var w = l.W.ToArray();
            var b = l.B.ToArray();
            for (int o = 0; o < geo.OutC; o++)
            {
                float ao = a[o * plane];
                for (int t = 0; t < per; t++) w[(long)o * per + t] *= ao;
                b[o] = ao * b[o] + c[o * plane];
            }
            layers[^1] = l with { W = w, B = b, HasBias = true };
        }

        /// <summary>
        /// An activation right after a MaxPool whose input layer has none yet: a non-decreasing activation commutes
        /// with max (act(max x) = max act(x)), so it moves onto that layer (PyTorch's relu(max_pool(conv(x)))).
        /// </summary>
        private bool CommuteThroughMaxPool(NodeProto n, float alpha, float beta)
        {
            if (layers.Count < 2 || layers[^1].Spatial is not PoolLayer { Kind: LayerKind.MaxPool } || pendA != null) return false;
            var before = layers[^2];
            if (before.Act != Activation.None || before.Spatial is PoolLayer { Kind: LayerKind.MaxPool }) return false;
            bool monotone = n.OpType switch
            {
                "Relu" or "Sigmoid" or "Tanh" => true,
                "LeakyRelu" or "PRelu" or "HardSigmoid" or "Elu" => alpha >= 0,
                _ => false,
            };
            if (!monotone) return false;
            var act = n.OpType switch
            {
                "Relu" => Activation.Relu, "Sigmoid" => Activation.Sigmoid, "Tanh" => Activation.Tanh,
                "LeakyRelu" or "PRelu" => Activation.LeakyRelu, "HardSigmoid" => Activation.HardSigmoid, _ => Activation.Elu,
            };
            actParams[layers.Count - 2] = (alpha, beta);
            layers[^2] = before with { Act = act };
            warnings.Add($"node '{(n.Name.Length > 0 ? n.Name : n.OpType)}' ({n.OpType}): applied before the MaxPool '{layers[^1].Name}' (a non-decreasing activation commutes with max)");
            return true;
        }

        /// <summary>The network of dense, conv and pooling layers.</summary>
        private Network SpatialNetwork(string? name, bool finalSoftmax)
        {
            try
            {
                var stages = new List<NetworkLayer>(layers.Count);
                for (int i = 0; i < layers.Count; i++)
                {
                    var l = layers[i];
                    var (pa, pb) = actParams.GetValueOrDefault(i);
                    stages.Add(l.Spatial switch
                    {
                        null => new DenseLayer(l.In, l.Out, l.W, l.B, l.Act, l.Name, pa, pb),
                        ConvLayer cv => new ConvLayer(cv.Geometry, l.W, l.B, l.Act, l.Name, pa, pb),
                        PoolLayer p => new PoolLayer(p.Kind, p.Geometry, l.Act, l.Name, pa, pb),
                        _ => throw new InvalidOperationException("unknown layer"),
                    });
                }
                return Network.FromStages(stages, name, warnings, finalSoftmax);
            }
            catch (ModelFormatException e) { throw new ModelFormatException($"{source}: {e.Message}", e); }
        }

        private static long[]? Ints(NodeProto n, string name)
        {
            foreach (var a in n.Attribute) if (a.Name == name) return a.Ints.ToArray();
            return null;
        }
    }
}
